"""The red flags of the behavioral and case-study questions, tried on sentences a
candidate might say (issue 14, item 1).

Every flag of those 16 questions has two sentences that commit it (the flag must be
found) and one that warns against it or does the right thing (it must not be). And no
flag fires on a solid or strong answer of the development set (benchmarks/grading_set.toml)
for its own question, nor on the bank's own texts: key points, strong-answer lines and
the corrections of the flags themselves.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from interviewer.core.grading.redflags import find_red_flags
from interviewer.core.models import Question
from interviewer.storage.content_files import load_library

ROOT = Path(__file__).resolve().parent.parent
BANK: dict[str, Question] = {
    q.id: q
    for q in load_library(None).questions.values()
    if q.category in ("behavioral", "case_study")
}

# (question, flag) -> (committing sentence, committing sentence, warning or right sentence)
STORIES: dict[tuple[str, str], tuple[str, str, str]] = {
    # ------------------------------------------------------------- beh-difficult-teammate
    ("beh-difficult-teammate", "blames-teammate"): (
        "Honestly the whole delay was his fault, he sat on every review for a week.",
        "Looking back, the friction was entirely their fault and there was little I could change.",
        "Part of it was my fault too: my requests were vague, so her work for me kept slipping.",
    ),
    ("beh-difficult-teammate", "insults-colleague"): (
        "He was lazy and honestly incompetent, so every handoff was late.",
        "She was arrogant and impossible to work with from day one.",
        "He kept rejecting my pull requests with one-line comments, which cost us a week per "
        "release.",
    ),
    ("beh-difficult-teammate", "escalated-first"): (
        "I went straight to my manager and complained about him the same day.",
        "I reported her to our team lead right away and asked for her to be taken off the project.",
        "After two direct conversations failed, I brought our manager in and told her what we "
        "had tried.",
    ),
    ("beh-difficult-teammate", "avoided-the-issue"): (
        "I decided to just work around him and keep my head down until the project ended.",
        "I mostly ignored her and did my own part of the work.",
        "Instead of working around him, I asked him for a one-on-one to hear his side.",
    ),
    ("beh-difficult-teammate", "no-outcome"): (
        "In the end it sorted itself out and everyone moved on.",
        "Eventually the tension just blew over.",
        "It wasn't something that sorted itself out: we agreed three changes and kept to them.",
    ),
    # ------------------------------------------------------------ beh-prioritise-workload
    ("beh-prioritise-workload", "overtime-only"): (
        "When it gets busy I just work late every night until it's all done.",
        "I put in a lot of overtime and worked weekends for a month.",
        "I don't solve it with overtime; I rank the work by impact and what others are blocked on.",
    ),
    ("beh-prioritise-workload", "yes-to-everything"): (
        "I said yes to everything that came in because I like to be helpful.",
        "For me everything is a priority, so I just do everything at once.",
        "Not everything is urgent, so I said no to the dashboard and deferred the retrain.",
    ),
    ("beh-prioritise-workload", "no-ranking-rule"): (
        "I work through requests in the order they came in.",
        "Honestly, whoever shouts the loudest gets their task done first.",
        "Rather than first come, first served, I rank by impact and by who is blocked.",
    ),
    ("beh-prioritise-workload", "always-on-messages"): (
        "I keep Slack open and reply to messages immediately so nobody has to wait.",
        "I check my email constantly throughout the day to stay on top of things.",
        "I batch email and Slack into two slots a day and keep mornings free for modelling.",
    ),
    ("beh-prioritise-workload", "silent-slip"): (
        "I only told the PM at the last minute that the analysis would be late.",
        "My manager found out after the deadline that the retrain was still in the backlog.",
        "I never leave it to the last minute: I told the PM as soon as I saw the slip.",
    ),
    # ---------------------------------------------------------------- beh-complex-problem
    ("beh-complex-problem", "accuracy-on-imbalance"): (
        "After oversampling, the accuracy went up to 97%, so we considered the problem solved.",
        "We used accuracy as the main metric to decide which fix to keep.",
        "Accuracy was 99% but recall on the fraud class was only 20%, which exposed the problem.",
    ),
    ("beh-complex-problem", "resample-before-split"): (
        "I applied SMOTE to the whole dataset and then split it into train and test.",
        "We oversampled the minority class first and then split the data into training and "
        "validation sets.",
        "I applied SMOTE only to the training data and left the test set untouched.",
    ),
    ("beh-complex-problem", "fix-without-diagnosis"): (
        "I basically tried a bunch of different models until one worked.",
        "We just added more layers and trained for more epochs.",
        "Before anything else I did error analysis, rather than trial and error with bigger "
        "models.",
    ),
    ("beh-complex-problem", "unmeasured-result"): (
        "In the end the model worked much better on the minority class.",
        "These changes improved model performance and the model generalised better.",
        "Minority-class recall improved from 40% to 75%, a lot better than before, at the same "
        "precision.",
    ),
    ("beh-complex-problem", "generic-lesson"): (
        "I learned that data quality is really important.",
        "My takeaway was that understanding the data is key.",
        "I learned that checking class balance is important, so I now put it on every kickoff "
        "checklist.",
    ),
    # --------------------------------------------------------------- beh-staying-current
    ("beh-staying-current", "passive-feeds-only"): (
        "Mostly I scroll LinkedIn and Twitter to see what's new.",
        "I watch YouTube videos about AI when I commute.",
        "I follow a few researchers on Twitter, then I read the paper and reproduce the main "
        "result.",
    ),
    ("beh-staying-current", "hype-chasing"): (
        "Whenever a new state-of-the-art model comes out I switch our project to it right away.",
        "I always try the newest framework as soon as it is released.",
        "I don't switch to the latest model right away; I test it against our baseline first.",
    ),
    ("beh-staying-current", "no-routine"): (
        "Honestly it's impossible to keep up, so I read things when I have time.",
        "If you're passionate about it you naturally keep learning.",
        "It's hard to keep up with everything, so I block Friday mornings every week for papers.",
    ),
    ("beh-staying-current", "never-applied"): (
        "I've only read about LoRA, I haven't had a chance to use it yet.",
        "Retrieval augmentation is on my list to try someday.",
        "At first I just read about LoRA, but then I tried it on our classifier and it matched "
        "full fine-tuning.",
    ),
    ("beh-staying-current", "believes-headlines"): (
        "If the abstract says it beats the baseline, I trust it.",
        "The leaderboard numbers were good enough for me to adopt it.",
        "I read the method and the ablations rather than trusting the abstract.",
    ),
    # ----------------------------------------------------------- beh-challenging-project
    ("beh-challenging-project", "claims-all-credit"): (
        "To be honest I did everything, the others just attended the meetings.",
        "I carried the team on that project single-handedly.",
        "I was the only ML engineer, so I did everything from data to deployment.",
    ),
    ("beh-challenging-project", "blames-others"): (
        "The delays came from the data team, they dropped the ball on the labels.",
        "It was really management's doing, they kept changing their minds every week.",
        "I dropped the ball on the label audit myself, so I fixed the process.",
    ),
    ("beh-challenging-project", "ending-unknown"): (
        "I left before it launched, so I'm not sure how it turned out.",
        "I think it's still running somewhere in production.",
        "I left before launch, but I handed over a runbook and later heard it cut manual reviews "
        "by 12 percent.",
    ),
    ("beh-challenging-project", "no-setback-no-lesson"): (
        "Honestly nothing went wrong, everything went smoothly from start to finish.",
        "I wouldn't change anything, I'd do it exactly the same way again.",
        "Everything went smoothly until we found the labels were noisy.",
    ),
    ("beh-challenging-project", "unmeasured-result"): (
        "The project went well and the client was happy.",
        "The new model performed better than the old one.",
        "The new model performed better, AUC from 0.71 to 0.80, and it shipped.",
    ),
    # ----------------------------------------------------------------- beh-team-conflict
    ("beh-team-conflict", "won-not-resolved"): (
        "In the end I pulled rank because I was more senior.",
        "I kept arguing until he gave in and we did it my way.",
        "I could have pulled rank, but I proposed a benchmark both of us would accept.",
    ),
    ("beh-team-conflict", "conflict-left-unresolved"): (
        "We agreed to disagree and moved on.",
        "I went along with it to keep the peace.",
        "We never simply agreed to disagree; the decision owner chose after the benchmark.",
    ),
    ("beh-team-conflict", "attacks-the-person"): (
        "He was stubborn and arrogant about his approach.",
        "She always had to be right, it was all ego.",
        "I was being stubborn myself, and once I listened I saw his concern about the SLAs.",
    ),
    ("beh-team-conflict", "certain-from-start"): (
        "I knew I was right from the start, so my job was to convince them.",
        "My approach was obviously better, I just had to show them I was right.",
        "I thought I knew better, but it turned out his option was cheaper to serve.",
    ),
    ("beh-team-conflict", "generic-lesson"): (
        "I learned that communication is key.",
        "The lesson was that listening matters.",
        "I learned that agreeing criteria up front is key, so I now write them down before any "
        "design review.",
    ),
    # ------------------------------------------------------------- beh-creative-solution
    ("beh-creative-solution", "no-baseline-check"): (
        "I was confident, so I went straight to production with it.",
        "I trusted my gut and skipped the baseline.",
        "Before going all in, I ran a two-week pilot against the baseline.",
    ),
    ("beh-creative-solution", "novelty-for-its-own-sake"): (
        "I picked a graph neural network because it was cool and I had always wanted to try one.",
        "Honestly I chose reinforcement learning just for fun.",
        "It looked impressive, but we picked it because labels were scarce.",
    ),
    ("beh-creative-solution", "oversold-solution"): (
        "It worked perfectly and solved the problem completely.",
        "It's a flawless approach, it works in every case.",
        "It worked perfectly on the pilot data, but it breaks on rare categories.",
    ),
    ("beh-creative-solution", "bypassed-colleagues"): (
        "The team was sceptical, so I ignored them and built it anyway.",
        "They were too conservative, so I went ahead anyway without asking my manager.",
        "Instead of building it anyway, I showed them a small experiment.",
    ),
    ("beh-creative-solution", "unmeasured-result"): (
        "The creative approach worked much better than what we had.",
        "It really helped and the results were way better.",
        "It worked much better: labelling time dropped from six weeks to four days.",
    ),
    # ---------------------------------------------------------------- beh-tight-deadline
    ("beh-tight-deadline", "skipped-quality-checks"): (
        "To make the date we skipped the unit tests and the code review.",
        "There was no time for proper validation, so we shipped without it.",
        "We cut scope, but I refused to skip the held-out evaluation and the rollback plan.",
    ),
    ("beh-tight-deadline", "overtime-heroics"): (
        "We pulled all-nighters for the last week to get it out.",
        "I just worked harder and stayed late every day until it was done.",
        "We met it without overtime because we cut the scope on day two.",
    ),
    ("beh-tight-deadline", "raised-risk-late"): (
        "I only told the product manager at the last minute that the model would be late.",
        "Stakeholders found out the night before launch that the feature was cut.",
        "I flagged the risk early, on day two, not at the last minute.",
    ),
    ("beh-tight-deadline", "shipped-known-problems"): (
        "We knew there were bugs but we shipped anyway to hit the date.",
        "Even though the fairness tests were failing, we launched on time.",
        "We launched despite two known issues, with a rollback switch and follow-up tickets "
        "agreed with the PM.",
    ),
    ("beh-tight-deadline", "no-result-no-lesson"): (
        "Somehow the team pulled through and it worked out fine in the end.",
        "I wouldn't do anything differently next time.",
        "It worked out fine, but next time I'd raise the risk sooner.",
    ),
    # --------------------------------------------------------- beh-explain-non-technical
    ("beh-explain-non-technical", "jargon-dump"): (
        "I showed them the ROC curve and the confusion matrix and walked them through the "
        "architecture.",
        "I presented the technical details of the model, including the hyperparameters.",
        "I skipped the maths and showed them three real claims instead of a ROC curve.",
    ),
    ("beh-explain-non-technical", "blames-audience"): (
        "It went over their heads, they just didn't get it.",
        "I had to dumb it down a lot for them.",
        "I worked hard not to dumb it down, and used their own cases as examples.",
    ),
    ("beh-explain-non-technical", "hid-limitations"): (
        "To keep it simple I left out the error rates.",
        "I glossed over the false positives so they would approve it.",
        "I never glossed over the false positives.",
    ),
    ("beh-explain-non-technical", "never-checked-understanding"): (
        "They seemed to get it, so I wrapped up.",
        "Nobody asked any questions, so overall it went okay.",
        "They seemed to get it, so I asked them to restate the decision in their own words.",
    ),
    ("beh-explain-non-technical", "generic-lesson"): (
        "I learned that simplicity is key.",
        "What I learned is that communication is really important.",
        "I learned that the audience's decision is what matters, so I now open every deck with it.",
    ),
    # ----------------------------------------------------------------- beh-model-failure
    ("beh-model-failure", "blames-others"): (
        "It wasn't my fault, the data team changed the schema without telling us.",
        "The real problem was on their side, and eventually they fixed their side.",
        "It was my model, so it was my responsibility, even though an upstream team changed the "
        "schema.",
    ),
    ("beh-model-failure", "hid-the-failure"): (
        "I quietly rolled back the model and hoped nobody would notice.",
        "I fixed it before anyone noticed, so I didn't tell my manager.",
        "I didn't try to fix it before anyone noticed; I posted in the incident channel first.",
    ),
    ("beh-model-failure", "no-root-cause"): (
        "We retrained it on more data and after that it was better.",
        "I restarted the pipeline and the problem went away, we never figured out why.",
        "We retrained it, but only after we found that a feature was missing at serving time.",
    ),
    ("beh-model-failure", "left-it-serving"): (
        "We kept the model running in production while we debugged it for a week.",
        "I left it live for two weeks until I figured out the cause.",
        "We rolled back within an hour and kept the new model running in shadow mode while "
        "investigating.",
    ),
    ("beh-model-failure", "generic-lesson"): (
        "I learned that monitoring is important.",
        "The lesson was that testing in production is crucial.",
        "I learned that monitoring is important, so I added a null-rate alert on every feature.",
    ),
    # ------------------------------------------------------------------ case-stock-price
    ("case-stock-price", "shuffled-time-series"): (
        "I'd shuffle the data and do an 80/20 split.",
        "I'd use k-fold cross-validation to pick the hyperparameters.",
        "Never shuffle; use walk-forward validation instead.",
    ),
    ("case-stock-price", "scaled-on-all-data"): (
        "First I'd normalise all the prices with a MinMaxScaler and then split into train and "
        "test.",
        "I'd standardise the entire history of each stock before splitting it.",
        "Scaling the whole history at once would leak the future, so I use rolling statistics.",
    ),
    ("case-stock-price", "todays-index-members"): (
        "I'd take the current S&P 500 companies and download ten years of their prices.",
        "The universe would be the stocks currently in the Nasdaq 100.",
        "Using today's S&P 500 members creates survivorship bias, so I'd use historical "
        "constituents.",
    ),
    ("case-stock-price", "curve-tracks-price"): (
        "On the test set the predicted curve followed the real price almost perfectly.",
        "I got 95% accuracy, which proves the model works.",
        "The predicted curve tracks the real one almost perfectly, which is suspicious: it is "
        "just lagging the price.",
    ),
    ("case-stock-price", "trades-on-raw-forecast"): (
        "If the model says the price goes up tomorrow I buy, otherwise I sell.",
        "Then I'd connect it to a broker API so it trades automatically.",
        "Before trading with real money, I'd paper-trade it for a few months.",
    ),
    ("case-stock-price", "ignores-costs"): (
        "Transaction costs are negligible, so I'd leave them out of the backtest.",
        "I'd ignore fees and slippage to keep the backtest simple.",
        "I'd include transaction costs and slippage, since ignoring them overstates returns.",
    ),
    # ------------------------------------------------------------- case-ecommerce-recsys
    ("case-ecommerce-recsys", "offline-metrics-only"): (
        "If the NDCG on the test set is high enough, we roll it out to everyone.",
        "Offline accuracy is enough to know it works, then we ship.",
        "Offline NDCG is only a proxy, so I'd confirm with an A/B test on conversion.",
    ),
    ("case-ecommerce-recsys", "random-split-interactions"): (
        "I'd randomly split the interactions 80/20 into train and test.",
        "Hold out a random test set of ratings and compute RMSE.",
        "I'd hold out the last week of interactions instead of a random split.",
    ),
    ("case-ecommerce-recsys", "popular-for-everyone"): (
        "I'd show the most popular products to every user.",
        "Everyone gets the same top sellers on the home page.",
        "Showing the most popular items to everyone is only a baseline.",
    ),
    ("case-ecommerce-recsys", "fashionable-model"): (
        "I'd use deep learning because it's the best for recommendations.",
        "A neural network is always better, so I'd go straight to that.",
        "A neural ranker is worth it only if it beats the matrix factorisation baseline.",
    ),
    ("case-ecommerce-recsys", "scores-whole-catalogue"): (
        "For every request I'd run the model on all the products and sort by score.",
        "Score the entire catalogue in real time when the user opens the page.",
        "Scoring the whole catalogue in real time is too slow, so candidates come from an ANN "
        "index.",
    ),
    # -------------------------------------------------------------- case-fraud-detection
    ("case-fraud-detection", "accuracy-on-rare-fraud"): (
        "I'd evaluate the model on accuracy.",
        "We aim for 99% accuracy.",
        "Accuracy is meaningless here because fraud is under 1%.",
    ),
    ("case-fraud-detection", "random-split-transactions"): (
        "I'd randomly split the transactions into train and test.",
        "Shuffle all the transactions and hold out 20%.",
        "Rather than a random split, I'd test on a later month.",
    ),
    ("case-fraud-detection", "outcome-as-feature"): (
        "I'd add the chargeback flag as a feature since it's very predictive.",
        "Whether the account was closed later is a strong feature.",
        "Chargebacks are the labels, never features.",
    ),
    ("case-fraud-detection", "train-once-no-monitoring"): (
        "Once it's deployed it runs by itself.",
        "We train it once and it keeps working.",
        "It never runs by itself: we monitor drift and retrain weekly.",
    ),
    ("case-fraud-detection", "batch-scoring-payments"): (
        "Every night a batch job would score the day's transactions and flag the fraud ones.",
        "We'd run the model overnight and catch the fraudsters the next morning.",
        "We'd retrain overnight but score every payment in real time.",
    ),
    ("case-fraud-detection", "resample-before-split"): (
        "I'd apply SMOTE to all the transactions and then split.",
        "Oversample the fraud cases in the whole dataset so it's balanced before the split.",
        "SMOTE goes on the training data only, after the split.",
    ),
    # -------------------------------------------------------------------- case-review-nlp
    ("case-review-nlp", "stars-as-ground-truth"): (
        "The star ratings are the ground truth, so I'd just train on them directly.",
        "We already have perfect labels from the stars.",
        "Star ratings are only weak labels, so I'd annotate a sample by hand.",
    ),
    ("case-review-nlp", "strips-negation-emojis"): (
        "First I'd lowercase everything, remove stop words and strip emojis.",
        "Preprocessing is standard: stop word removal, stemming and removing emojis.",
        "I'd remove stop words except negations like not.",
    ),
    ("case-review-nlp", "stemming-equals-lemmatisation"): (
        "Stemming and lemmatisation are basically the same thing.",
        "Lemmatization is just another name for stemming.",
        "Stemming and lemmatisation are not the same: stemming crudely chops suffixes.",
    ),
    ("case-review-nlp", "transformer-needs-stemming"): (
        "Before feeding the reviews to BERT you must stem them and remove stop words.",
        "For a transformer, lemmatization is essential.",
        "BERT does not need stemming because it has its own subword tokenizer.",
    ),
    ("case-review-nlp", "untested-off-the-shelf"): (
        "I'd just run VADER on all the reviews and put the scores on a dashboard.",
        "An off-the-shelf sentiment API is good enough for this.",
        "I'd try VADER as a baseline and compare it with a fine-tuned model on a labelled sample.",
    ),
    # ----------------------------------------------------------- case-demand-forecasting
    ("case-demand-forecasting", "mape-with-zero-sales"): (
        "I'd use MAPE as the main metric.",
        "We'd judge each model by its MAPE on the last month.",
        "MAPE breaks on zero-sale days, so I'd use WAPE.",
    ),
    ("case-demand-forecasting", "random-split-time-series"): (
        "I'd randomly split the days into training and test sets.",
        "Use shuffled k-fold cross-validation to tune LightGBM.",
        "Instead of k-fold, I'd backtest with rolling origins.",
    ),
    ("case-demand-forecasting", "stockout-zeros-as-demand"): (
        "Days when the item was out of stock just count as zero demand.",
        "Zero sales during stockouts are real demand, so I'd keep them in the training data.",
        "Zero sales on out-of-stock days are not zero demand, so I'd mask them.",
    ),
    ("case-demand-forecasting", "model-per-series"): (
        "I'd fit an ARIMA model for each product in each store.",
        "I'd train a separate Prophet model for every series.",
        "Per-series ARIMA is only a baseline; the main model is one global LightGBM.",
    ),
    ("case-demand-forecasting", "bigger-machine"): (
        "To handle the size I'd rent a bigger machine with more RAM.",
        "I'd load everything into memory with pandas and train there.",
        "A bigger machine won't scale, so I'd build features in Spark partitioned by store.",
    ),
    # ------------------------------------------------------------- case-churn-prediction
    ("case-churn-prediction", "leaky-churn-features"): (
        "I'd use the cancellation reason as a feature.",
        "Exit survey answers would be strong predictors.",
        "Exit surveys come after the cancellation, so I'd exclude them.",
    ),
    ("case-churn-prediction", "risk-equals-persuadable"): (
        "I'd send a discount to the customers with the highest risk.",
        "Everyone the model predicts will churn gets a free month.",
        "High risk doesn't mean persuadable, so I'd test the offer with a control group.",
    ),
    ("case-churn-prediction", "random-split-customers"): (
        "I'd do a random 80/20 split of the customers.",
        "Evaluate with shuffled 5-fold cross-validation.",
        "I'd test on a later month rather than a random split.",
    ),
    ("case-churn-prediction", "accuracy-as-goal"): (
        "The goal is to get the highest accuracy possible.",
        "I'd optimise the model for AUC, that's what matters most.",
        "AUC is not the goal; retained revenue is.",
    ),
    ("case-churn-prediction", "fashionable-model"): (
        "I'd use a neural network because it's the most powerful.",
        "Deep learning will find patterns that humans can't see.",
        "Deep learning might be the best later, but I'd start with a logistic regression baseline.",
    ),
}


# More ways candidates say the same mistakes (paraphrases written after the cues, to see
# that the cues are not tied to the two sentences above).
PARAPHRASES: list[tuple[str, str, str]] = [
    (
        "beh-model-failure",
        "blames-others",
        "The data scientists messed up the labels, so the model failed in production.",
    ),
    (
        "beh-model-failure",
        "blames-others",
        "Honestly it was the fault of the platform team, who changed the feature pipeline.",
    ),
    ("beh-difficult-teammate", "escalated-first", "I escalated it to my manager immediately."),
    ("beh-difficult-teammate", "insults-colleague", "He was a nightmare to work with."),
    (
        "beh-difficult-teammate",
        "avoided-the-issue",
        "I just avoided him for the rest of the project.",
    ),
    (
        "beh-tight-deadline",
        "skipped-quality-checks",
        "We didn't have time to write tests, so we pushed it straight to production.",
    ),
    (
        "beh-tight-deadline",
        "skipped-quality-checks",
        "We skipped the validation step because the deadline was fixed.",
    ),
    (
        "beh-challenging-project",
        "claims-all-credit",
        "Basically I did all of the modelling and the team just did the boring data work.",
    ),
    (
        "beh-explain-non-technical",
        "jargon-dump",
        "I explained the gradient boosting algorithm step by step to the executives.",
    ),
    (
        "beh-prioritise-workload",
        "yes-to-everything",
        "I just try to do everything and work until it's done.",
    ),
    (
        "beh-complex-problem",
        "accuracy-on-imbalance",
        "We got 98% accuracy after balancing the classes.",
    ),
    ("beh-staying-current", "passive-feeds-only", "I mainly keep up through Twitter."),
    ("case-fraud-detection", "accuracy-on-rare-fraud", "I'd use accuracy to evaluate the model."),
    (
        "case-fraud-detection",
        "random-split-transactions",
        "Split the data randomly, 80% for training and 20% for testing.",
    ),
    ("case-fraud-detection", "random-split-transactions", "I'd use a random train test split."),
    (
        "case-stock-price",
        "shuffled-time-series",
        "I'd split the data randomly into training and testing sets.",
    ),
    ("case-stock-price", "shuffled-time-series", "Use train_test_split from sklearn with shuffle."),
    (
        "case-ecommerce-recsys",
        "offline-metrics-only",
        "I'd measure success with RMSE on a held-out set and that's enough.",
    ),
    (
        "case-ecommerce-recsys",
        "offline-metrics-only",
        "We'd just look at the offline precision at k and then deploy it to everyone.",
    ),
    (
        "case-churn-prediction",
        "leaky-churn-features",
        "I'd include whether they called to cancel as a feature.",
    ),
    (
        "case-churn-prediction",
        "risk-equals-persuadable",
        "We'd target the users with the highest churn probability with a discount.",
    ),
    (
        "case-demand-forecasting",
        "mape-with-zero-sales",
        "I'd use mean absolute percentage error to evaluate.",
    ),
    (
        "case-demand-forecasting",
        "model-per-series",
        "I'd build one ARIMA per store-product combination.",
    ),
    (
        "case-review-nlp",
        "stemming-equals-lemmatisation",
        "Stemming and lemmatization do the same thing, reduce words to the root.",
    ),
    ("case-review-nlp", "stars-as-ground-truth", "I'd use the star ratings as labels directly."),
]

# Sentences from good answers that come close to a flag's cues and must fire nothing.
CLEAN: list[tuple[str, str]] = [
    (
        "beh-difficult-teammate",
        "I went to my manager right away to flag the risk, and set up a one-on-one with him.",
    ),
    (
        "beh-model-failure",
        "After fixing the parsing I retrained the model and conversion went back to normal.",
    ),
    (
        "beh-model-failure",
        "An upstream form change broke the company-size field, and my model had no check for it.",
    ),
    ("beh-tight-deadline", "We dropped the nice-to-have dashboard and kept the tests."),
    ("beh-tight-deadline", "We shipped without the dashboard, but with full test coverage."),
    (
        "beh-explain-non-technical",
        "I showed them a chart of the algorithm's top three factors for real accounts.",
    ),
    (
        "beh-complex-problem",
        "Accuracy was already 99.5% before we started, which is exactly why it told us nothing.",
    ),
    (
        "beh-staying-current",
        "I skim arXiv on Fridays instead of Twitter, and reproduce one paper a month.",
    ),
    (
        "case-stock-price",
        "I'd use the S&P 500 constituents as of each historical date, including delisted ones.",
    ),
    ("case-stock-price", "I'd scale features with statistics from the training window only."),
    (
        "case-ecommerce-recsys",
        "Offline recall@k is enough to choose between candidate generators; the A/B test decides.",
    ),
    (
        "case-fraud-detection",
        "Nightly jobs recompute the velocity aggregates, and every payment is scored in real time.",
    ),
    ("case-fraud-detection", "Chargebacks arrive weeks later and become the labels."),
    (
        "case-fraud-detection",
        "First I'd stop looking at accuracy: predicting all negatives gives 99%.",
    ),
    (
        "case-demand-forecasting",
        "Out-of-stock days show zero sales, which I'd treat as censored demand.",
    ),
    (
        "case-churn-prediction",
        "Features are computed as of the snapshot date, so nothing from the cancellation leaks in.",
    ),
    (
        "case-churn-prediction",
        "We'd send the offer to a random half of the high-risk customers, then compare.",
    ),
    (
        "case-review-nlp",
        "Stemming chops suffixes while lemmatisation uses a dictionary, and BERT needs neither.",
    ),
]


def _found(text: str, qid: str) -> list[str]:
    return [f.id for f in find_red_flags(text, BANK[qid])]


def test_the_stories_cover_every_flag_of_these_questions() -> None:
    assert len(BANK) == 16
    shipped = {(q.id, f.id) for q in BANK.values() for f in q.red_flags}
    assert shipped == set(STORIES), (
        f"flags without stories: {sorted(shipped - set(STORIES))}; "
        f"stories for no flag: {sorted(set(STORIES) - shipped)}"
    )
    for q in BANK.values():
        assert len(q.red_flags) >= 3, q.id


COMMITTING = [
    pytest.param(qid, fid, text, id=f"{fid}-{n}")
    for (qid, fid), stories in STORIES.items()
    for n, text in enumerate(stories[:2], 1)
]
WARNING = [pytest.param(qid, fid, stories[2], id=fid) for (qid, fid), stories in STORIES.items()]


@pytest.mark.parametrize(("qid", "fid", "text"), COMMITTING)
def test_a_sentence_that_commits_the_flag_is_caught(qid: str, fid: str, text: str) -> None:
    assert fid in _found(text, qid), text
    # ... and inside a longer answer too, with the flag quoting the candidate's sentence.
    answer = f"Let me walk you through it. {text} That is the gist of it."
    hits = [f for f in find_red_flags(answer, BANK[qid]) if f.id == fid]
    assert hits and hits[0].quote in answer


@pytest.mark.parametrize(("qid", "fid", "text"), WARNING)
def test_a_sentence_that_warns_or_does_right_is_not_a_flag(qid: str, fid: str, text: str) -> None:
    assert fid not in _found(text, qid), text


@pytest.mark.parametrize(("qid", "fid", "text"), PARAPHRASES, ids=[f for _, f, _ in PARAPHRASES])
def test_other_ways_of_saying_it_are_caught(qid: str, fid: str, text: str) -> None:
    assert fid in _found(text, qid), text


@pytest.mark.parametrize(("qid", "text"), CLEAN, ids=[q for q, _ in CLEAN])
def test_close_but_correct_sentences_fire_nothing(qid: str, text: str) -> None:
    assert _found(text, qid) == [], text


def _development_answers() -> list[tuple[str, str, str]]:
    data = tomllib.loads((ROOT / "benchmarks" / "grading_set.toml").read_text("utf-8"))
    return [
        (a["id"], a["question"], a["text"])
        for a in data["answers"]
        if a["question"] in BANK and a["tier"] >= 2
    ]


DEVELOPMENT = _development_answers()


def test_the_development_set_has_good_answers_for_these_questions() -> None:
    assert len({q for _, q, _ in DEVELOPMENT}) >= 10 and len(DEVELOPMENT) >= 25


@pytest.mark.parametrize(("aid", "qid", "text"), DEVELOPMENT, ids=[a for a, _, _ in DEVELOPMENT])
def test_no_flag_fires_on_a_solid_or_strong_development_answer(
    aid: str, qid: str, text: str
) -> None:
    fired = [(f.id, f.quote) for f in find_red_flags(text, BANK[qid])]
    assert fired == [], f"{aid}: {fired}"


@pytest.mark.parametrize("qid", sorted(BANK))
def test_no_flag_fires_on_the_banks_own_texts(qid: str) -> None:
    q = BANK[qid]
    texts = [
        *q.strong_answer,
        *(k.text for k in q.key_points),
        *(f.correction for f in q.red_flags),
    ]
    fired = [(t, [f.id for f in find_red_flags(t, q)]) for t in texts]
    assert [(t, ids) for t, ids in fired if ids] == []
    # All of it read as one answer as well.
    assert find_red_flags(" ".join(texts), q) == []
