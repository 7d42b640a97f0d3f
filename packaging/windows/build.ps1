# Build the Windows one-folder bundle and check that it starts.
#
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1 -Python "py -3.12"
#
# Output:
#   dist\interviewer\interviewer.exe       the desktop app (windowed: no console window)
#   dist\interviewer\interviewer-cli.exe   the command line (console)
#   dist\interviewer-VERSION-windows-x64.zip
#
# Not run in this repository's CI (Linux only); see packaging\README.md. Needs 64-bit
# Python 3.11+ from python.org (or `py`), and a package index on the first run.
# To sign: set WINDOWS_SIGN_CERT (a .pfx path) and WINDOWS_SIGN_PASSWORD, and have
# signtool.exe (Windows SDK) on PATH.
param(
    [string]$Python = "python"
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root
$Venv = Join-Path $Root "build\pyinstaller-venv"
$VenvPy = Join-Path $Venv "Scripts\python.exe"
$Bundle = Join-Path $Root "dist\interviewer"
$Version = (Select-String -Path "interviewer\__init__.py" -Pattern '^__version__ = "(.+)"').Matches[0].Groups[1].Value

function Fail([string]$Message) { Write-Error "FAILED: $Message"; exit 1 }
function Step([string]$Message) { Write-Host "`n== $Message" }
function Invoke-Checked {
    # Run a native command; stop on a non-zero exit code (PowerShell does not by itself).
    param([string]$Exe, [string[]]$Arguments)
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { Fail "$Exe $($Arguments -join ' ') exited with $LASTEXITCODE" }
}

$Started = Get-Date

Step "Build environment: $Venv"
if (-not (Test-Path $VenvPy)) {
    $parts = $Python.Split(" ")
    $rest = @()
    if ($parts.Length -gt 1) { $rest = $parts[1..($parts.Length - 1)] }
    Invoke-Checked $parts[0] ($rest + @("-m", "venv", $Venv))
}
$Reqs = Join-Path $Root "build\bundle-requirements.txt"
Invoke-Checked $VenvPy @("-c", @"
import tomllib
deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']
open(r'$Reqs', 'w').write('\n'.join(['pyinstaller>=6.10,<7', *deps]) + '\n')
"@)
Invoke-Checked $VenvPy @("-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade", "pip")
Invoke-Checked $VenvPy @("-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", $Reqs)

Step "PyInstaller"
if (Test-Path $Bundle) { Remove-Item -Recurse -Force $Bundle }
Invoke-Checked $VenvPy @("-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
    "--distpath", (Join-Path $Root "dist"), "--workpath", (Join-Path $Root "build\pyinstaller"),
    "packaging\interviewer.spec")
Copy-Item LICENSE (Join-Path $Bundle "LICENSE.txt")

if ($env:WINDOWS_SIGN_CERT) {
    Step "Code signing"
    foreach ($exe in @("interviewer.exe", "interviewer-cli.exe")) {
        Invoke-Checked "signtool.exe" @("sign", "/f", $env:WINDOWS_SIGN_CERT, "/p", $env:WINDOWS_SIGN_PASSWORD,
            "/fd", "SHA256", "/tr", "http://timestamp.digicert.com", "/td", "SHA256",
            "/d", "Interviewer", (Join-Path $Bundle $exe))
    }
}

# ------------------------------------------------------------------ smoke checks
$Tmp = Join-Path ([System.IO.Path]::GetTempPath()) ("interviewer-smoke-" + [guid]::NewGuid())
New-Item -ItemType Directory -Path $Tmp | Out-Null
$env:INTERVIEWER_HOME = Join-Path $Tmp "home"
$env:QT_QPA_PLATFORM = "offscreen"
Remove-Item Env:OPENAI_API_KEY -ErrorAction SilentlyContinue
$Cli = Join-Path $Bundle "interviewer-cli.exe"
try {
    Step "Smoke: --version"
    $got = (& $Cli --version).Trim()
    if ($got -ne "interviewer $Version") { Fail "--version printed '$got'" }
    Write-Host $got

    Step "Smoke: files the app reads at run time"
    Invoke-Checked $Cli @("--bundle-self-check")

    Step "Smoke: interviewer tracks"
    $tracks = & $Cli tracks
    if (-not ($tracks -match "ml-full-loop")) { Fail "tracks does not list ml-full-loop" }

    Step "Smoke: an offline interview from a pipe"
    $out = "my answer`n.`n" | & $Cli practice --track ml-full-loop --backend offline --questions 2 --report (Join-Path $Tmp "report.pdf")
    if ($LASTEXITCODE -ne 0) { Fail "practice exited with $LASTEXITCODE" }
    if (-not ($out -match "Overall score")) { Fail "practice printed no graded summary" }

    Step "Smoke: render every main screen offscreen"
    Invoke-Checked $Cli @("screenshots", (Join-Path $Tmp "shots"))
    foreach ($name in @("home", "interview", "feedback", "settings")) {
        if (-not (Test-Path (Join-Path $Tmp "shots\$name.png"))) { Fail "$name.png was not written" }
    }
}
finally {
    Remove-Item -Recurse -Force $Tmp -ErrorAction SilentlyContinue
}

Step "Result"
$Zip = Join-Path $Root "dist\interviewer-$Version-windows-x64.zip"
if (Test-Path $Zip) { Remove-Item $Zip }
Compress-Archive -Path $Bundle -DestinationPath $Zip
$size = "{0:N0} MB" -f ((Get-ChildItem -Recurse $Bundle | Measure-Object -Sum Length).Sum / 1MB)
Write-Host "Interviewer $Version bundle: $Bundle ($size)"
Write-Host "archive: $Zip"
Write-Host ("build time: {0:N0}s" -f ((Get-Date) - $Started).TotalSeconds)
Write-Host "smoke checks passed"
