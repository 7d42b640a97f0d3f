"""The technical questions' red flags fire on the misconceptions they name, and only there.

Issue 14, item 1: every technical question (tracks/questions/technical.toml, and the ML
coding round's questions in tracks/questions/coding.toml, whose flags are what a candidate
says while explaining the code or answering its follow-ups) lists the red flags an
interviewer listens for. For each flag this file holds two sentences that commit the
mistake (the flag must be found) and one that warns against it (it must not be). Then no
flag may fire on a solid or strong answer of its own question in the development sets
(benchmarks/grading_set.toml and the other grading_set*.toml files; the held-out file is
never read here), nor on the bank's own key points, strong-answer lines and corrections
(and, for a coding question, its follow-ups and the comments and docstrings of its
reference solution): a false red flag caps a correct answer.
"""

from __future__ import annotations

import ast
import functools
import re
import tomllib
from pathlib import Path

import pytest

from interviewer.core.grading.redflags import find_red_flags
from interviewer.core.models import Question
from interviewer.storage.content_files import load_library

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"

#: question id -> red flag id -> (two sentences that commit it, one that warns against it)
SAMPLES: dict[str, dict[str, tuple[tuple[str, str], str]]] = {
    "tech-supervised-unsupervised": {
        "supervised-means-human-watching": (
            (
                (
                    "Supervised learning is when a person supervises the training and checks on "
                    "the model while it learns."
                ),
                (
                    "In supervised learning an engineer watches the model as it trains and steps "
                    "in when it goes off track."
                ),
            ),
            (
                "Supervised does not mean a human watches the training; it means every example "
                "comes with a label."
            ),
        ),
        "clustering-is-supervised": (
            (
                "Clustering with k-means is a supervised method because you choose k yourself.",
                "PCA is a supervised technique that compresses the features.",
            ),
            "You should never call clustering a supervised method.",
        ),
        "unsupervised-needs-labels": (
            (
                "Unsupervised learning needs labels too, it just uses fewer of them.",
                "Unsupervised learning uses labelled data, just less of it than supervised.",
            ),
            "Unsupervised learning does not need labels at all.",
        ),
        "pseudo-labels-as-truth": (
            (
                (
                    "With pseudo-labelling you take all the predictions on the unlabelled data "
                    "and train on them as ground truth."
                ),
                "Self-training just adds every prediction of the model to the training set.",
            ),
            "In pseudo-labelling you should never treat every prediction as ground truth.",
        ),
    },
    "tech-bias-variance": {
        "more-data-fixes-bias": (
            (
                "More data always reduces bias, so I would collect more examples first.",
                "If the model underfits, more training data fixes underfitting.",
            ),
            "More data does not reduce bias; it mainly helps with variance.",
        ),
        "complex-always-better": (
            (
                (
                    "A more complex model always generalises better because it can capture more "
                    "patterns."
                ),
                "Basically the deeper the network, the better.",
            ),
            "A more complex model is not always better on new data.",
        ),
        "bias-means-overfitting": (
            (
                "High bias means the model overfits the training data.",
                "A high-bias model memorises the noise in the training set.",
            ),
            "It is a mistake to say high bias means overfitting.",
        ),
        "bias-is-unfairness": (
            (
                (
                    "Bias is when the data is unfair to some groups, like discrimination against "
                    "women."
                ),
                "High bias means the model is prejudiced against certain customers.",
            ),
            "Bias in this trade-off is not about fairness or discrimination.",
        ),
    },
    "tech-missing-data": {
        "impute-on-all-data": (
            (
                (
                    "I compute the mean of each column on the whole dataset and fill the gaps "
                    "before splitting."
                ),
                "First I run the imputer on all the data, then I do the train test split.",
            ),
            "You must never fit the imputer on the whole dataset before splitting.",
        ),
        "fill-with-zero": (
            (
                "I just fill all the missing values with zero.",
                "The easiest fix is to replace every NaN with 0 and move on.",
            ),
            "Filling missing values with zero is usually a bad idea.",
        ),
        "always-drop-rows": (
            (
                "I always drop the rows that have missing values.",
                "By default I simply remove any row with NaNs using dropna.",
            ),
            "You should not always drop rows with missing values.",
        ),
        "mean-imputation-harmless": (
            (
                "Mean imputation is always safe, so that's my go-to.",
                (
                    "Filling with the median keeps the distribution exactly the same, so it is "
                    "harmless."
                ),
            ),
            "Mean imputation is not harmless: it shrinks the variance.",
        ),
    },
    "tech-regularization": {
        "l1-l2-same": (
            (
                "L1 and L2 are pretty much the same thing, just a different formula.",
                "Lasso and ridge are basically interchangeable in practice.",
            ),
            "L1 and L2 are not the same at all.",
        ),
        "regularisation-reduces-bias": (
            (
                "Regularization reduces bias, which is why the model generalises better.",
                "Adding an L2 penalty lowers the training error.",
            ),
            "Regularisation does not reduce bias; it adds a little.",
        ),
        "l2-gives-sparsity": (
            (
                "L2 regularisation pushes weights exactly to zero, so it does feature selection.",
                "Ridge gives you a sparse model with only a few features left.",
            ),
            "Ridge does not set weights exactly to zero.",
        ),
        "lambda-on-test": (
            (
                "I pick lambda by checking which value gives the best test accuracy.",
                "Tune the regularization strength on the test set.",
            ),
            "Never tune lambda on the test set.",
        ),
        "stronger-always-better": (
            (
                "With regularization, the more the better.",
                "A larger lambda always helps generalisation.",
            ),
            "More regularization is not always better.",
        ),
    },
    "tech-classification-regression": {
        "logistic-is-regression": (
            (
                "Logistic regression is a regression model like linear regression.",
                "Logistic regression predicts a continuous value like a price.",
            ),
            "Logistic regression is not a regression model for continuous targets.",
        ),
        "accuracy-for-regression": (
            (
                "For house prices I would evaluate the model with accuracy.",
                "To evaluate a regression model, I look at the percentage of correct predictions.",
            ),
            "You cannot evaluate regression with accuracy.",
        ),
        "accuracy-is-enough": (
            (
                "For a classifier, accuracy is all you need.",
                "I always use accuracy, it tells you everything about the model.",
            ),
            "Accuracy alone is not enough to evaluate a classifier.",
        ),
        "regression-is-unsupervised": (
            (
                "Regression is unsupervised because it just fits a line through the points.",
                "Classification is a kind of clustering where you group the data.",
            ),
            "Regression is not unsupervised.",
        ),
    },
    "tech-gradient-descent": {
        "always-global-minimum": (
            (
                "Gradient descent always finds the global minimum if you train long enough.",
                (
                    "With enough epochs it is guaranteed to reach the global optimum, even for a "
                    "deep network."
                ),
            ),
            "Gradient descent is not guaranteed to find the global minimum of a neural network.",
        ),
        "bigger-lr-faster": (
            (
                "A larger learning rate always converges faster.",
                "I use a high learning rate because then it trains faster.",
            ),
            "A larger learning rate does not always converge faster.",
        ),
        "step-along-gradient": (
            (
                (
                    "At each step we move the weights in the direction of the gradient to reduce "
                    "the loss."
                ),
                "The update adds the gradient times the learning rate to the parameters.",
            ),
            "You never add the gradient when minimising.",
        ),
        "adam-always-better": (
            (
                "Adam is always better than SGD, so I use it for everything.",
                "Adam always outperforms plain stochastic gradient descent.",
            ),
            "Adam is not always better than SGD.",
        ),
    },
    "tech-cnn": {
        "pooling-has-weights": (
            (
                "The pooling layer learns weights that decide which features to keep.",
                "Max pooling has learnable parameters just like a dense layer.",
            ),
            "Pooling layers have no weights; they are fixed operations.",
        ),
        "pooling-enlarges-maps": (
            (
                (
                    "Pooling increases the resolution of the feature maps so the network sees "
                    "more detail."
                ),
                "Max pooling upsamples the image.",
            ),
            "Pooling does not increase the size of the feature maps.",
        ),
        "invariant-to-everything": (
            (
                "A CNN is rotation invariant by design, so you can show it images at any angle.",
                "Convolutions make the network invariant to any transformation of the image.",
            ),
            "A CNN is not rotation invariant by design.",
        ),
        "hand-designed-filters": (
            (
                "The filters in a CNN are hand-designed edge detectors like Sobel.",
                "The engineer sets the kernels by hand so they detect edges.",
            ),
            "The kernels are never hand-designed.",
        ),
    },
    "tech-knn": {
        "scaling-unneeded": (
            (
                "KNN doesn't need feature scaling since it just compares points.",
                "Scaling is optional for nearest neighbours.",
            ),
            "You must not skip scaling for KNN.",
        ),
        "slow-train-fast-predict": (
            (
                "The downside of KNN is that training is slow, but predictions are fast.",
                "KNN learns weights during training and then predicts quickly.",
            ),
            "KNN is not slow to train; it is slow at prediction time.",
        ),
        "k-effect-backwards": (
            (
                "A larger k overfits because it uses more neighbours.",
                "If k is large the boundary gets noisy and jagged.",
            ),
            "A larger k does not overfit.",
        ),
        "more-dimensions-better": (
            (
                "KNN works better with more features because it has more information.",
                "High-dimensional data is fine for KNN, adding features helps.",
            ),
            "KNN does not work better in high dimensions.",
        ),
        "knn-is-clustering": (
            (
                "KNN is a clustering algorithm that finds k groups in the data.",
                "KNN moves each centroid to the mean of its points until it converges.",
            ),
            "KNN is not a clustering algorithm.",
        ),
    },
    "tech-dimensionality-reduction": {
        "pca-without-scaling": (
            (
                "With PCA there is no need to scale the features first.",
                "You can run PCA directly on the raw features, scaling is optional.",
            ),
            "Never run PCA on raw features without scaling them when units differ.",
        ),
        "pca-uses-labels": (
            (
                "PCA keeps the components that are most predictive of the target.",
                "PCA finds the directions that best separate the classes.",
            ),
            "PCA does not use the labels.",
        ),
        "pca-selects-features": (
            (
                "PCA selects the most important features and drops the rest.",
                "PCA keeps a subset of the original features.",
            ),
            "PCA does not select a subset of the original features.",
        ),
        "tsne-distances-meaningful": (
            (
                (
                    "The distance between clusters in the t-SNE plot tells you how similar the "
                    "groups are."
                ),
                "I use the t-SNE output as input features for the classifier.",
            ),
            "You should not read the distances between clusters in a t-SNE plot.",
        ),
        "pca-fit-on-all": (
            (
                "I fit PCA on the whole dataset and then split into train and test.",
                "Run PCA on all the data before splitting.",
            ),
            "You must not fit PCA on the whole dataset before splitting.",
        ),
    },
    "tech-cross-validation": {
        "shuffle-time-series": (
            (
                "For the sales forecast I would just shuffle the data and run standard k-fold.",
                "With time series I randomly split the rows into five folds.",
            ),
            "You must not shuffle a time series into random folds.",
        ),
        "tune-on-test": (
            (
                "I tune the hyperparameters on the test set and keep the best one.",
                "I pick the model with the best test accuracy.",
            ),
            "Never tune hyperparameters on the test set.",
        ),
        "preprocess-on-all-data": (
            (
                "First I fit the scaler on the whole dataset, then I run cross-validation.",
                "I do the feature selection on all the data and then cross-validate.",
            ),
            "You must not fit the scaler on the whole dataset before splitting.",
        ),
        "best-score-as-estimate": (
            (
                (
                    "I report the best CV score from the grid search as the expected production "
                    "performance."
                ),
                "The best fold's score is our performance estimate.",
            ),
            "You cannot report the best CV score as the expected production performance.",
        ),
        "cv-always-works": (
            (
                "Cross-validation always works, whatever the data.",
                "K-fold is reliable because it works for any dataset.",
            ),
            "Plain k-fold does not always work.",
        ),
        "train-test-same-data": (
            (
                "Without cross-validation you would just train and test on the same data.",
                "I evaluate on the training set to get the final score.",
            ),
            "Never evaluate on the training set.",
        ),
    },
    "tech-transfer-learning": {
        "transfer-is-deployment": (
            (
                "Transfer learning is when you move a trained model from a GPU cluster to a phone.",
                "You train the model on the server and then transfer it to the device.",
            ),
            "Transfer learning is not about moving a model to another machine.",
        ),
        "retrain-from-scratch": (
            (
                "I take the pretrained model and retrain it from scratch on my images.",
                "You reset the weights to random initialisation and train it on the new task.",
            ),
            "You should not retrain the network from scratch.",
        ),
        "fine-tune-high-lr": (
            (
                "I fine-tune the whole backbone with a high learning rate so it adapts quickly.",
                "When fine-tuning, use the same learning rate as training from scratch.",
            ),
            "Do not fine-tune the backbone with a high learning rate.",
        ),
        "transfer-always-helps": (
            (
                "Transfer learning always helps, whatever the domain.",
                "A pretrained model is always better than training your own.",
            ),
            "Transfer learning does not always help.",
        ),
        "small-data-tune-everything": (
            (
                (
                    "With a small dataset of 500 images I would unfreeze all layers and train the"
                    " whole network."
                ),
                "Since we have little data, fine-tune all layers at once.",
            ),
            "With a small dataset you should not fine-tune all layers.",
        ),
    },
    "tech-reinforcement-learning": {
        "rl-learns-from-labels": (
            (
                (
                    "In reinforcement learning the agent learns from labelled examples of the "
                    "correct action for each state."
                ),
                "RL uses a labelled dataset of ground truth actions.",
            ),
            "RL does not learn from labelled examples.",
        ),
        "reward-immediate-feedback": (
            (
                (
                    "After each action the agent immediately gets a reward that tells it whether "
                    "the action was right."
                ),
                "The reward comes right away and says if the move was correct.",
            ),
            "The reward does not always come immediately or say whether the action was right.",
        ),
        "rl-is-unsupervised": (
            (
                "Reinforcement learning is basically unsupervised learning with a game.",
                "RL is a type of supervised learning.",
            ),
            "RL is neither supervised nor unsupervised.",
        ),
        "always-exploit": (
            (
                "The agent should always pick the best action it knows.",
                "The agent always takes the highest-value action.",
            ),
            "The agent must not always take the best-known action.",
        ),
        "rl-sample-efficient": (
            (
                (
                    "Reinforcement learning is sample efficient so it is my first choice for most"
                    " problems."
                ),
                "RL is easy to apply to any problem.",
            ),
            "RL is not sample efficient.",
        ),
    },
    "tech-feature-importance": {
        "importance-is-causal": (
            (
                "The SHAP values show that zip code is the cause of the defaults.",
                "Feature importance tells us the causal effect of each feature.",
            ),
            "SHAP values are not causal effects.",
        ),
        "trust-impurity-importance": (
            (
                "I just use feature_importances_ from the random forest, it is reliable.",
                "Gini importance is the ground truth of what matters.",
            ),
            "Impurity importance is not reliable on its own.",
        ),
        "raw-coefficients-ranked": (
            (
                "I rank the features by the size of the raw coefficients.",
                (
                    "I sort the features by coefficient magnitude directly from the fitted model "
                    "without scaling."
                ),
            ),
            "Do not rank features by raw coefficients.",
        ),
        "shap-fine-with-correlation": (
            (
                "SHAP handles correlated features correctly because it averages over coalitions.",
                "Shapley values give each correlated feature its fair share.",
            ),
            "SHAP does not handle correlated features well.",
        ),
        "permutation-on-training": (
            (
                "I compute the permutation importance on the training set.",
                "Shuffle each feature in the training data and measure the drop.",
            ),
            "Permutation importance should not be computed on the training data.",
        ),
    },
    "tech-complexity-interpretability": {
        "just-ship-most-accurate": (
            (
                "I just ship the most accurate model.",
                "I always go with the highest AUC.",
            ),
            "I would not always ship the most accurate model.",
        ),
        "posthoc-fully-explains": (
            (
                "With SHAP the black box becomes fully transparent.",
                "LIME explains exactly what the model does, so the trade-off disappears.",
            ),
            "SHAP does not make the model fully transparent.",
        ),
        "complex-always-wins": (
            (
                "Deep learning always beats a linear model.",
                "XGBoost is always more accurate than logistic regression.",
            ),
            "Boosting is not always more accurate.",
        ),
        "simple-models-useless": (
            (
                "Linear models are toys for beginners.",
                "A simple model is always worse, so it is a waste of time.",
            ),
            "Simple models are not useless.",
        ),
    },
    "tech-imbalanced-data": {
        "accuracy-on-imbalance": (
            (
                "I would check the accuracy is high.",
                "I'd use accuracy as the metric and aim for 99%.",
            ),
            "Accuracy is not a good metric when 1% of examples are positive.",
        ),
        "resample-before-split": (
            (
                "I apply SMOTE to the whole dataset and then split into train and test.",
                "First oversample the minority class, then split.",
            ),
            "Never apply SMOTE to the whole dataset before the split.",
        ),
        "balanced-test-set": (
            (
                "I'd also balance the test set to 50/50.",
                (
                    "I undersample the validation set so both classes have an equal number of "
                    "examples."
                ),
            ),
            "Do not balance the test set.",
        ),
        "bigger-model-learns-minority": (
            (
                (
                    "I'd use a more powerful model like a neural network so it can learn the "
                    "minority class."
                ),
                "A deeper model will handle the imbalance by itself.",
            ),
            "A bigger model does not fix the imbalance.",
        ),
        "default-threshold": (
            (
                "I keep the default threshold.",
                "I would use a threshold of 0.5 as usual.",
            ),
            "You should not keep the 0.5 threshold.",
        ),
    },
    "tech-trees-forests": {
        "more-trees-overfit": (
            (
                "Adding more trees to the random forest makes it overfit.",
                "Too many trees leads to overfitting.",
            ),
            "Adding trees does not make a forest overfit.",
        ),
        "forest-interpretable": (
            (
                "A random forest is as interpretable as a single tree.",
                "Random forests are easy to interpret, you can read the rules.",
            ),
            "A random forest is not as interpretable as a single tree.",
        ),
        "trees-need-scaling": (
            (
                "Decision trees need feature scaling first.",
                "Random forests are sensitive to the scale of the features, so standardise them.",
            ),
            "Trees do not need feature scaling.",
        ),
        "forest-is-sequential": (
            (
                (
                    "A random forest builds trees sequentially, each one correcting the errors of"
                    " the previous tree."
                ),
                "In a random forest each new tree is trained on the residuals.",
            ),
            "A random forest does not build trees one after another.",
        ),
        "forest-reduces-bias": (
            (
                "The random forest reduces bias compared to one tree.",
                "Averaging many trees lowers the bias.",
            ),
            "A random forest does not mainly reduce bias.",
        ),
    },
    "tech-overfitting": {
        "overfitting-is-underfitting": (
            (
                "Overfitting is when the model is too simple for the data.",
                "When a model overfits, it has high training error.",
            ),
            "Overfitting is not a model that is too simple.",
        ),
        "fix-with-more-capacity": (
            (
                "You fix overfitting by training for more epochs.",
                "To solve it I would add more layers.",
            ),
            "Do not fix overfitting by training longer.",
        ),
        "training-score-as-proof": (
            (
                "Our training accuracy was 99%, which proves the model is good.",
                "A low training loss means the model works.",
            ),
            "A high training accuracy does not mean the model works.",
        ),
        "more-data-causes-overfitting": (
            (
                "More data causes overfitting because the model memorises more.",
                "A bigger dataset leads to overfitting.",
            ),
            "More data does not cause overfitting.",
        ),
        "train-test-same-data": (
            (
                "I train the model and then test it on the same data to see how good it is.",
                "We trained and evaluated on the same dataset, and the accuracy was 98%.",
            ),
            "You must never test on the same data you trained on.",
        ),
    },
    "tech-roc-auc-precision-recall": {
        "precision-is-accuracy": (
            (
                "Precision is how accurate the model is overall.",
                "Precision is the percentage of correct predictions.",
            ),
            "Precision is not overall accuracy.",
        ),
        "recall-is-memory": (
            (
                "Recall is how much of the training data the model remembers.",
                "Recall measures the memory of the model.",
            ),
            "Recall has nothing to do with memory.",
        ),
        "precision-recall-swapped": (
            (
                (
                    "Precision is the share of actual positives the model catches, of all the "
                    "real positives."
                ),
                "Precision is TP/(TP+FN).",
            ),
            "Precision is not TP/(TP+FN).",
        ),
        "auc-is-accuracy": (
            (
                "An AUC of 0.9 means the model is right 90% of the time.",
                "AUC is basically the accuracy of the model.",
            ),
            "AUC is not accuracy.",
        ),
        "trust-roc-on-imbalance": (
            (
                "With 1 in 1000 fraud, an ROC-AUC of 0.95 means it is a great model.",
                "On imbalanced data, the ROC AUC is a reliable metric.",
            ),
            "With heavy imbalance, you should not trust ROC-AUC alone.",
        ),
    },
    "tech-kmeans-clustering": {
        "kmeans-is-knn": (
            (
                "K-means assigns a new point the most common label among its k neighbours.",
                "K-means needs labelled data to work.",
            ),
            "K-means does not need labelled data.",
        ),
        "always-global-optimum": (
            (
                "K-means always finds the global optimum.",
                "K-means is deterministic and always gives the same clusters every time.",
            ),
            "K-means is not guaranteed to find the global optimum.",
        ),
        "k-by-lowest-inertia": (
            (
                "I pick k with the lowest inertia.",
                (
                    "The number of clusters is the one that minimises the within-cluster sum of "
                    "squares."
                ),
            ),
            "You cannot choose k by the lowest inertia.",
        ),
        "any-cluster-shape": (
            (
                "K-means finds clusters of any shape.",
                "K-means works well on concentric rings.",
            ),
            "K-means does not find clusters of arbitrary shape.",
        ),
        "arbitrary-k": (
            (
                "For k I just try 3 or 5 and see what looks reasonable.",
                "I pick the number of clusters by gut feeling.",
            ),
            "You should not just guess k.",
        ),
    },
    "tech-feature-selection": {
        "select-on-all-data": (
            (
                "I select features on the whole dataset and then run cross-validation.",
                "I run RFE on all the data before splitting.",
            ),
            "You must not do feature selection on the whole dataset before cross-validation.",
        ),
        "dropped-means-useless": (
            (
                "If lasso dropped a feature, that feature is useless.",
                "Features with low correlation are irrelevant.",
            ),
            "A dropped feature is not necessarily useless.",
        ),
        "more-features-better": (
            (
                "More features always help, the model will figure it out.",
                "I give the model all the features since the more the better.",
            ),
            "More features do not always help.",
        ),
        "pearson-only": (
            (
                "I keep only the features with high correlation to the target.",
                "Pearson correlation with the target is all you need.",
            ),
            "Correlation alone is not enough.",
        ),
    },
    # The ML coding round (tracks/questions/coding.toml): what a candidate says while
    # explaining the code or answering its follow-ups.
    "code-precision-recall": {
        "swap": (
            (
                "Precision is the true positives divided by the actual positives.",
                "For precision I compute tp / (tp + fn).",
            ),
            (
                "Precision divides by the predicted positives; dividing by the actual positives "
                "gives recall."
            ),
        ),
        "f1-arithmetic-mean": (
            (
                "F1 is just the average of precision and recall.",
                "I return the F1 score as the arithmetic mean of the two values.",
            ),
            "F1 is not the plain average of precision and recall.",
        ),
        "accuracy-on-imbalance": (
            (
                "Accuracy is fine on imbalanced data, so these metrics are optional.",
                "On a skewed dataset accuracy is good enough to judge the model.",
            ),
            "Accuracy is not enough on imbalanced data.",
        ),
    },
    "code-kfold-split": {
        "shuffle-time-series": (
            (
                "For a time series I would shuffle the rows and use these stratified folds too.",
                "Random folds work for daily sales history as well.",
            ),
            "You should never shuffle a time series into folds.",
        ),
        "index-in-two-folds": (
            (
                "The same index can end up in two validation folds, that is fine.",
                "Some rows land in several validation folds because the deal wraps around.",
            ),
            "No index may appear in two validation folds.",
        ),
        "every-class-in-every-fold": (
            (
                "Stratification guarantees that every class appears in every fold.",
                "Each fold always gets each class, even a class with two examples.",
            ),
            (
                "Stratification cannot guarantee every class in every fold when a class has fewer "
                "examples than k."
            ),
        ),
    },
    "code-kmeans": {
        "global-optimum": (
            (
                "Lloyd's algorithm always finds the global optimum, so one run is enough.",
                "K-means converges to the global minimum of the inertia.",
            ),
            "K-means does not always find the global optimum, so I run several restarts.",
        ),
        "unscaled-features-fine": (
            (
                "K-means works fine on unscaled features with different units.",
                "Scaling doesn't matter here, k-means can take raw features in any unit.",
            ),
            "It is a mistake to think raw features in different units are fine for k-means.",
        ),
        "choose-k-lowest-inertia": (
            (
                "I choose k by taking the value with the lowest inertia.",
                (
                    "The best number of clusters is the one with the smallest within-cluster sum "
                    "of squares."
                ),
            ),
            "You cannot pick k by the lowest inertia; use the elbow or the silhouette.",
        ),
    },
    "code-linreg-gd": {
        "larger-lr-faster": (
            (
                "A larger learning rate always converges faster, so I set lr to 1.",
                "The bigger the learning rate, the faster gradient descent converges.",
            ),
            "A larger learning rate does not always converge faster.",
        ),
        "no-scaling-needed": (
            (
                "There is no need to scale the features for gradient descent.",
                "Feature scaling does not matter for gradient descent, it gets there anyway.",
            ),
            "It is wrong to think gradient descent has no need for feature scaling.",
        ),
        "local-minima": (
            (
                "Gradient descent can get stuck in a local minimum of the mean squared error.",
                "With a bad start the weights may end up in a local optimum.",
            ),
            "It cannot get stuck in a local minimum because the squared error is convex.",
        ),
    },
    "code-knn": {
        "no-training-no-scaling": (
            (
                "KNN just stores the training rows, so there is no need to scale the features.",
                "Feature scaling doesn't matter for KNN because it just stores the data.",
            ),
            "It is a mistake to think KNN has no need for scaling.",
        ),
        "k1-best": (
            (
                "k=1 is always the best choice because the nearest point is the most similar.",
                "One neighbour works best, more neighbours only blur the answer.",
            ),
            "k = 1 is not the best choice in general.",
        ),
        "prediction-is-cheap": (
            (
                "KNN is lazy, so predicting a new point is instant.",
                "Inference with KNN is cheap, it just looks up the stored points.",
            ),
            "KNN prediction is not fast at all.",
        ),
    },
    "code-tfidf": {
        "idf-grows-with-df": (
            (
                "The idf grows with the document frequency of the token.",
                "The more documents a word appears in, the higher its idf.",
            ),
            "Idf does not grow with document frequency.",
        ),
        "df-counts-occurrences": (
            (
                "Document frequency is the total number of times the token appears in the corpus.",
                "I compute df as how many times each token shows up over all the docs.",
            ),
            "df is not the total number of times a token appears.",
        ),
        "dense-scales-fine": (
            (
                "The dense matrix is fine for a million documents.",
                "A dense NumPy array scales to a large corpus without trouble.",
            ),
            "A dense matrix does not work for a million documents.",
        ),
    },
    "code-confusion-matrix": {
        "rows-are-predictions": (
            (
                (
                    "In my matrix the rows are the predicted labels and the columns are the true "
                    "labels."
                ),
                "Each column is a true class, so I count down the columns for the truth.",
            ),
            "It is wrong to say the rows are the predicted labels.",
        ),
        "precision-from-rows": (
            (
                "A class's precision is its diagonal entry divided by its row sum.",
                "For precision I divide the diagonal by the sum of the row.",
            ),
            "Precision is not the diagonal over the row sum.",
        ),
        "labels-from-true-only": (
            (
                "I take the classes from y_true only, since those are the real labels.",
                "The label list is np.unique of y_true.",
            ),
            "Taking the labels from y_true alone is a mistake.",
        ),
    },
    "code-softmax-ce": {
        "log-of-softmax": (
            (
                "The loss is minus the log of the softmax probabilities at the label.",
                "I take np.log(probs) at the true class and average it.",
            ),
            "Taking the log of the softmax directly is unstable because it underflows.",
        ),
        "max-shift-changes-output": (
            (
                (
                    "Subtracting the max changes the probabilities slightly, which is the price "
                    "for stability."
                ),
                "After shifting by the maximum you have to add it back to get the right softmax.",
            ),
            "Subtracting the maximum does not change the softmax, because the factor cancels.",
        ),
        "clip-for-stability": (
            (
                "To make it stable I add a small epsilon inside the log, which is enough.",
                "Clipping the logits to plus or minus fifty makes softmax numerically stable.",
            ),
            "Clipping the logits is not a real fix for stability.",
        ),
        "gradient-only-true-class": (
            (
                "The gradient is nonzero only for the true class, the others are zero.",
                "Only the correct class's logit gets a gradient, the other classes get zero.",
            ),
            "It is wrong to say the gradient is zero for the other classes.",
        ),
    },
    "code-standardise": {
        "fit-on-all": (
            (
                "I fit the scaler on all the data first and then split it.",
                "To keep it simple I compute the mean on the whole dataset.",
            ),
            "You must never fit the scaler on all the data.",
        ),
        "test-with-own-stats": (
            (
                "I standardise X_test with its own mean and standard deviation.",
                "The test set is scaled separately using the test mean.",
            ),
            "Never scale the test set with its own mean.",
        ),
        "nan-is-fine": (
            (
                "A constant column gives nan, but that is fine because the model ignores it.",
                "Dividing by a zero standard deviation just gives nan, which does not matter.",
            ),
            "A nan from a zero standard deviation is not harmless.",
        ),
        "scale-before-cv": (
            (
                (
                    "In cross-validation I standardise the training data once before the folds to "
                    "save time."
                ),
                (
                    "Fitting the scaler outside the cross-validation loop is fine as long as the "
                    "test set is held out."
                ),
            ),
            "Do not fit the scaler before cross-validation.",
        ),
    },
    "code-fill-group-mean": {
        "group-means-from-all-data": (
            (
                "In the pipeline I compute the group means on the whole dataset before splitting.",
                "The imputation statistics come from all the data, test rows included.",
            ),
            "Computing the group means on the whole dataset would leak the test set into training.",
        ),
        "mean-ignores-nan": (
            (
                "np.mean already ignores NaN, so I just average each group.",
                "The mean skips the missing values on its own.",
            ),
            "np.mean does not ignore NaN, so I mask the missing values first.",
        ),
        "modify-input-in-place": (
            (
                "I fill the NaNs in place, which is fine and saves memory.",
                "Writing the means into the input array is faster, so I do that.",
            ),
            "Filling in place would change the caller's array, so I work on a copy.",
        ),
    },
}


@functools.cache
def _technical() -> dict[str, Question]:
    return {q.id: q for q in load_library().questions.values() if q.category == "technical"}


def _found(text: str, question_id: str) -> set[str]:
    return {f.id for f in find_red_flags(text, _technical()[question_id])}


COMMITS = [
    pytest.param(qid, fid, sentence, id=f"{fid}-{n}")
    for qid, flags in SAMPLES.items()
    for fid, (sentences, _warning) in flags.items()
    for n, sentence in enumerate(sentences)
]
WARNINGS = [
    pytest.param(qid, fid, warning, id=fid)
    for qid, flags in SAMPLES.items()
    for fid, (_sentences, warning) in flags.items()
]


def test_every_technical_question_has_red_flags_and_samples_for_each() -> None:
    bank = _technical()
    assert set(bank) == set(SAMPLES)
    for qid, question in bank.items():
        assert len(question.red_flags) >= 3, qid
        assert [f.id for f in question.red_flags] == list(SAMPLES[qid]), qid


@pytest.mark.parametrize(("question_id", "flag_id", "sentence"), COMMITS)
def test_a_sentence_that_commits_the_mistake_is_flagged(
    question_id: str, flag_id: str, sentence: str
) -> None:
    assert flag_id in _found(sentence, question_id)


@pytest.mark.parametrize(("question_id", "flag_id", "sentence"), COMMITS)
def test_the_flag_quotes_the_candidates_sentence(
    question_id: str, flag_id: str, sentence: str
) -> None:
    answer = f"Let me explain. {sentence} That is my answer."
    found = {f.id: f for f in find_red_flags(answer, _technical()[question_id])}
    assert found[flag_id].quote.strip(" .") in sentence


@pytest.mark.parametrize(("question_id", "flag_id", "sentence"), WARNINGS)
def test_a_sentence_that_warns_against_the_mistake_is_not_flagged(
    question_id: str, flag_id: str, sentence: str
) -> None:
    assert flag_id not in _found(sentence, question_id)


def _dev_answers() -> list[dict[str, object]]:
    """Every solid or strong technical answer of the development sets (never held-out)."""
    files = sorted(p for p in BENCH.glob("grading_set*.toml") if "heldout" not in p.name)
    assert BENCH / "grading_set.toml" in files
    answers = []
    for path in files:
        with path.open("rb") as fh:
            answers += tomllib.load(fh)["answers"]
    return [a for a in answers if int(str(a["tier"])) >= 2 and str(a["question"]) in _technical()]


def test_no_red_flag_on_a_solid_or_strong_development_answer() -> None:
    answers = _dev_answers()
    assert len(answers) >= 20
    wrong = {
        str(a["id"]): found
        for a in answers
        if (found := _found(str(a["text"]), str(a["question"])))
    }
    assert wrong == {}


def test_the_weak_development_answers_that_state_a_misconception_are_flagged() -> None:
    """The check is not vacuous: known wrong answers of the development set are caught."""
    path = BENCH / "grading_set.toml"
    with path.open("rb") as fh:
        answers = {str(a["id"]): a for a in tomllib.load(fh)["answers"]}
    expected = {
        "su-weak-wrong": "supervised-means-human-watching",
        "of-weak-wrong": "fix-with-more-capacity",
        "pr-weak-wrong": "recall-is-memory",
        "tl-weak-wrong": "transfer-is-deployment",
        "km-weak-confused": "kmeans-is-knn",
        "md-weak": "fill-with-zero",
        "imb-weak": "accuracy-on-imbalance",
    }
    for answer_id, flag_id in expected.items():
        a = answers[answer_id]
        assert flag_id in _found(str(a["text"]), str(a["question"])), answer_id


@pytest.mark.parametrize("question_id", sorted(SAMPLES))
def test_no_red_flag_on_the_banks_own_texts(question_id: str) -> None:
    question = _technical()[question_id]
    texts = [k.text for k in question.key_points]
    texts += question.strong_answer
    texts += [f.correction for f in question.red_flags]
    texts.append(question.text)
    fired = {t: found for t in texts if (found := _found(t, question_id))}
    assert fired == {}


def _code_comments(code: str) -> list[str]:
    """The comments and docstrings of a piece of Python code: its explanation in prose."""
    texts = [c.lstrip("#").strip() for c in re.findall(r"#[^\n]*", code)]
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef):
            doc = ast.get_docstring(node)
            if doc:
                texts.append(doc)
    return [t for t in texts if t]


CODING = sorted(qid for qid, q in _technical().items() if q.kind == "coding")


def test_the_coding_questions_are_checked_here() -> None:
    assert len(CODING) >= 10 and set(CODING) <= set(SAMPLES)


@pytest.mark.parametrize("question_id", CODING)
def test_no_red_flag_on_a_coding_questions_follow_ups_and_reference(question_id: str) -> None:
    question = _technical()[question_id]
    assert question.coding is not None
    texts = [p.text for p in question.follow_ups]
    texts += _code_comments(question.coding.reference)
    assert len(texts) >= 3, question_id
    fired = {t: found for t in texts if (found := _found(t, question_id))}
    assert fired == {}
