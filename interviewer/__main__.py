import sys

from interviewer.launch import main

sys.exit(main())
