"""The course, one `Lesson` record each, in its order. Text in our own words; each check is a function of
nnplay.lessons.checks over what the learner really did (nnplay.lessons.evidence)."""

from __future__ import annotations

from dataclasses import replace

from nnplay.config.schema import HiddenLayer, PlaygroundConfig, default_config, with_optimizer
from nnplay.lessons import checks, double_softmax, quiz
from nnplay.lessons.evidence import Evidence
from nnplay.lessons.records import Lesson, Question, Start, Verdict


def _adam(config: PlaygroundConfig, rate: float) -> PlaygroundConfig:
    return replace(with_optimizer(config, "adam"), learning_rate=rate)


def _layers(*spec: tuple[int, str]) -> tuple[HiddenLayer, ...]:
    return tuple(HiddenLayer(units, activation) for units, activation in spec)


CIRCLE = replace(PlaygroundConfig(), epochs=300)  # TF Playground's own default problem
LINEAR_CIRCLE = replace(_adam(PlaygroundConfig(), 0.01), hidden=_layers((8, "linear"), (8, "linear")), epochs=200)
SPIRAL_ARMS = replace(_adam(default_config("multiclass"), 0.01), dataset="spiral_arms", epochs=200)
ZONES = replace(default_config("multilabel"), epochs=200)
COURSE_MNIST = replace(_adam(default_config("multiclass"), checks.COURSE_MNIST_RATE), dataset="mnist",
                       n_samples=10_000, hidden=_layers(*checks.COURSE_MNIST_HIDDEN), batch_size=32, epochs=10)
# Lesson 10's broken setups (the first is a Keras script: nnplay's own config cannot say it).
DIVERGING = replace(default_config("regression"), learning_rate=1.0)  # SGD on the plane: diverges at epoch 4
LINEAR_XOR = replace(LINEAR_CIRCLE, dataset="xor")

PLAYGROUND = "Playground"


def _debug(evidence: Evidence) -> Verdict:
    return Verdict((checks.debug_double_softmax(evidence, double_softmax.RIGHT_FIXES),
                    checks.debug_learning_rate(evidence, DIVERGING),
                    checks.debug_linear(evidence, LINEAR_XOR)))


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        1, "Three steps: Sequential, compile, fit",
        "Every network here is built the way you would build it in Keras, in three steps.\n\n"
        "1. **`Sequential`** stacks the layers: the inputs, the hidden layers (units and an activation each) "
        "and the output layer, which the task decides.\n"
        "2. **`compile`** says how it will learn: the loss to make small, the optimizer that moves the "
        "weights, and the metrics to report.\n"
        "3. **`fit`** runs the optimizer over the training data, batch after batch, for some epochs.\n\n"
        "The Playground writes these three steps for whatever is on screen (its *Keras code* tab): run that "
        "script elsewhere and it gives the numbers you saw.",
        f"Train TF Playground's circle setup in the Playground until it finishes, to at least "
        f"{checks.THREE_STEPS_ACCURACY:.0%} test accuracy; then find the three steps in its Keras code.",
        Question("predict.steps", "Which of the three steps decides the loss the network makes small?",
                 ("Sequential", "compile", "fit"), ("compile",),
                 "compile(loss=…, optimizer=…) fixes what is minimised and how; Sequential only holds the layers, "
                 "and fit only runs the optimizer it was given."),
        checks.check_three_steps,
        (Start(PLAYGROUND, "Open the circle in the Playground", CIRCLE),),
    ),
    Lesson(
        2, "Which output layer and which loss?",
        "The task decides the end of the network. A yes/no question wants one sigmoid and binary "
        "cross-entropy; one class out of K wants K outputs with softmax and sparse categorical cross-entropy; "
        "several yes/no questions at once want one sigmoid each; a number wants a linear output (or a ReLU, "
        "when it can never be negative) and mean squared error. Answer each problem with its task.",
        "Answer all six problems right.",
        Question("predict.relu_temperature",
                 "A network predicting tomorrow's temperature change ends in a ReLU. For a day that will be "
                 "colder, it predicts…",
                 ("the right negative change", "0 at best", "an error"), ("0 at best",),
                 "ReLU's output is never below 0: every colder day is predicted as 'no change' at best."),
        checks.quiz_check(quiz.output_quiz),
        quiz=quiz.output_quiz,
    ),
    Lesson(
        3, "Sigmoid, ReLU, linear",
        "An activation bends a neuron's score z. **Sigmoid** squeezes it into (0, 1), a probability; its "
        "slope is at most 0.25 and almost 0 in its tails. **ReLU** is max(0, z): free to compute, slope 1 "
        "for z > 0 and 0 below. **Linear** leaves z alone. Backpropagation multiplies by the slope at every "
        "layer, so the slope decides how well a layer learns. Look at the shapes and slopes in the Activation "
        "Lab, then place each one.",
        "Answer all six questions right.",
        Question("predict.sigmoid_stack",
                 "A gradient passes back through 4 sigmoid layers. At most, it is multiplied by…",
                 ("1", "0.25", "0.004"), ("0.004",),
                 "0.25 per layer, four times: 0.25⁴ ≈ 0.004. That is why deep stacks of sigmoids learn slowly near "
                 "the input, and why ReLU (slope 1) is the default for hidden layers."),
        checks.quiz_check(quiz.activation_quiz),
        (Start("Activation_Lab", "Open the Activation Lab"),),
        quiz=quiz.activation_quiz,
    ),
    Lesson(
        4, "Why hidden layers must be non-linear",
        "A linear layer computes W·x + b. Two of them in a row compute W₂(W₁x + b₁) + b₂, which is again one "
        "linear layer: a stack of linear layers can only ever draw a straight boundary, however many units it "
        "has. A non-linear activation between them is what lets the network bend the boundary.",
        f"On the circle, let two linear hidden layers fail (below {checks.LINEAR_FAILS_BELOW:.0%} test accuracy), "
        f"then change only their activations to reach {checks.NONLINEAR_ACCURACY:.0%}.",
        Question("predict.linear_boundary",
                 "Two hidden layers of 8 linear units each, trained on the circle: the boundary will be…",
                 ("a straight line", "a circle", "a polygon with 8 sides"), ("a straight line",),
                 "The whole network folds into one linear layer, and a sigmoid of one linear score is a straight "
                 "boundary: no straight line separates a ring from its centre."),
        checks.check_why_nonlinear,
        (Start(PLAYGROUND, "Open the linear network in the Playground", LINEAR_CIRCLE),),
    ),
    Lesson(
        5, "Softmax: scores into probabilities",
        "A multiclass network ends in K scores (logits), one per class. Softmax raises e to each score and "
        "divides by their sum: the results are positive, sum to one, and keep the scores' order. Only the "
        "gaps between scores matter — add the same number to all and nothing changes.",
        f"In the Activation Lab, type at least {checks.SOFTMAX_LEAST_CLASSES} scores between "
        f"−{checks.SOFTMAX_MAX_SCORE:g} and {checks.SOFTMAX_MAX_SCORE:g} that give one class "
        f"{checks.SOFTMAX_TOP:.0%} or more; then train a multiclass network on the spiral arms to "
        f"{checks.MULTICLASS_ACCURACY:.0%} test accuracy.",
        Question("predict.softmax_shift", "Add 100 to every score. The probabilities…",
                 ("all grow", "stay exactly the same", "overflow to infinity"), ("stay exactly the same",),
                 "e^(z+100) = e^z · e^100, and the factor e^100 cancels between the top and the bottom of the "
                 "fraction (computed the stable way, which subtracts the largest score first)."),
        checks.check_softmax,
        (Start("Activation_Lab", "Open the Activation Lab's softmax"),
         Start(PLAYGROUND, "Open the spiral arms in the Playground", SPIRAL_ARMS)),
    ),
    Lesson(
        6, "from_logits=True: the stable way",
        "Computing the loss naively means e^z, divide, then log. In float32, e^z is infinite past z ≈ 88.7, "
        "and then the loss is inf or NaN. With a linear output and `from_logits=True`, Keras computes "
        "log-softmax in one piece: it subtracts the largest score first, so no exponential exceeds 1. "
        "A network trained long on easy data does produce such large scores.",
        "In the Softmax Inspector, find a logit scale at which the naive loss breaks while the stable one stays "
        "finite.",
        Question("predict.overflow", "Past which score z does float32's e^z become infinite?",
                 ("about 88", "about 710", "about 10³⁸"), ("about 88",),
                 "float32's largest number is about 3.4·10³⁸ = e^88.7; float64 lasts until e^709.8."),
        checks.check_from_logits,
        (Start("Softmax_Inspector", "Open the Softmax Inspector"),),
    ),
    Lesson(
        7, "Multi-label: K sigmoids, not a softmax",
        "When several labels can be true at once (a photo with a car *and* a pedestrian), each label is its own "
        "yes/no question: K sigmoid outputs, each a probability of its own, and binary cross-entropy per label. "
        "A softmax would make the labels compete for one unit of probability. The strict score is the exact "
        "match: a test example counts only when every one of its labels is right.",
        f"Train a multi-label network on the zones to an exact-match ratio of at least "
        f"{checks.MULTILABEL_EXACT_MATCH:.0%}.",
        Question("predict.softmax_labels",
                 "With a softmax over car, bus and pedestrian, a photo with a car and a pedestrian can get at most…",
                 ("0.5 for each of the two", "0.9 for each of the two", "1.0 for each of the two"),
                 ("0.5 for each of the two",),
                 "Softmax outputs sum to one, so two labels that are both true share it; sigmoids are independent "
                 "and can both say 0.99."),
        checks.check_multilabel,
        (Start(PLAYGROUND, "Open the zones in the Playground", ZONES),),
    ),
    Lesson(
        8, "Adam vs gradient descent",
        "On an elongated bowl one direction is steep and the other flat. Gradient descent moves every "
        "parameter by lr × its gradient: a rate small enough for the steep direction crawls along the flat "
        "one, always the same way; a rate large enough for the flat one overshoots the steep walls and "
        "zig-zags, or diverges. Adam divides each parameter's step by the size of its recent gradients, so "
        "each parameter gets a rate of its own, of about lr.",
        "On the Optimizer Lab's elongated bowl: run gradient descent with a rate too small and one too large, "
        "and Adam reaching the minimum in fewer steps than the slow gradient descent took.",
        Question("predict.adam_step",
                 "Where a parameter's gradient is tiny, Adam's step for it is…",
                 ("tiny too", "about the learning rate", "zero"), ("about the learning rate",),
                 "Adam divides the (averaged) gradient by the root of its (averaged) square: the size cancels, "
                 "and the step is about lr, whatever the gradient's size. See the per-parameter rates chart."),
        checks.check_adam_vs_gd,
        (Start("Optimizer_Lab", "Open the bowl in the Optimizer Lab",
               lab=(("lab_surface", "bowl"), ("lab_x", -8.0), ("lab_y", 1.5), ("lab_lr", 0.05),
                    ("lab_steps", 250), ("lab_show", 250),
                    ("lab_show_all", 250), ("lab_kinds", ["sgd", "adam"]), ("lab_story", None))),),
    ),
    Lesson(
        9, "The course's MNIST network",
        "The course's digit classifier: 784 pixels in, a hidden layer of 25 ReLU units, one of 15, and 10 "
        "linear outputs read with `from_logits=True`, trained with Adam at 0.001. Small as it is, it reads "
        "handwritten digits well.",
        f"Train the course's network on MNIST to at least {checks.MNIST_ACCURACY:.0%} test accuracy.",
        Question("predict.mnist_params", "How many weights and biases does 784 → 25 → 15 → 10 have?",
                 ("784", "19,625", "20,175"), ("20,175",),
                 "(784 + 1)·25 + (25 + 1)·15 + (15 + 1)·10 = 19,625 + 390 + 160 = 20,175: almost all of them in "
                 "the first layer."),
        checks.check_mnist,
        (Start(PLAYGROUND, "Open the course's network in the Playground", COURSE_MNIST),),
    ),
    Lesson(
        10, "Debug this network ★",
        "Three networks that do not learn as they should, each with one bug. Find it, fix only it, and let the "
        "check train the fix. The first is Keras code (nnplay's controls cannot even build it); the other two "
        "open in the Playground.",
        "Fix all three: the softmax under from_logits=True; the learning rate that diverges; the linear hidden "
        "layers on the xor.",
        Question("predict.debug_softmax",
                 "The first network applies softmax twice (its layer, then the loss). Its training loss will…",
                 ("go to 0 as usual", "stop at a floor above 0", "become NaN"), ("stop at a floor above 0",),
                 f"Probabilities lie in [0, 1], so the second softmax can never be sure: with 3 classes the loss "
                 f"cannot go below ln(e + 2) − 1 = {double_softmax.loss_floor(3):.3f}."),
        _debug,
        (Start(PLAYGROUND, "Open broken network 2 (it diverges)", DIVERGING),
         Start(PLAYGROUND, "Open broken network 3 (linear layers on the xor)", LINEAR_XOR)),
        exercise="double_softmax",
    ),
)
BY_NUMBER = {lesson.number: lesson for lesson in LESSONS}

