"""The model from build_model() learns the sequence: trained by the tests on the canonical data."""
import numpy as np
import pytest

from tests.support.architecture import layer_name, layers_of, output_activation, trainable_count
from tests.support.feedback import fail
from tests.support.training import TOLERANCE, predictions_table

CANNOT_REACH = {
    "softmax": "softmax makes the outputs sum to 1 (over a single value it is always 1.0)",
    "sigmoid": "sigmoid squeezes every output into (0, 1) and learns slowly near its ends",
    "relu": "relu cannot output below 0 and stops learning where it outputs 0",
    "tanh": "tanh squeezes every output into (-1, 1)",
}


def likely_cause(model):
    """What to change: the output layer's activation when it is not linear, else the usual suspects."""
    last = layers_of(model)[-1]
    activation = output_activation(model)
    if activation != "linear":
        reason = CANNOT_REACH.get(activation, f"{activation} bends the output")
        return (f"the output layer {layer_name(last)} has activation='{activation}': {reason}. "
                "Remove the activation: a regression output is linear.")
    optimizer = type(model.optimizer).__name__
    if optimizer != "Adam":
        return (f"the optimizer is {optimizer}: with the tests' training budget, as in the tutorial, "
                "Adam reaches the targets. Use optimizer='adam'.")
    if model.count_params() != trainable_count(model):
        return "some layers are frozen (trainable=False): remove that, so every weight can learn."
    return ("look for an output activation that cannot reach the targets (softmax, relu, "
            "sigmoid), frozen layers, or a loss other than mean squared error.")


@pytest.mark.points(4)
def test_trained_model_predicts_every_step_within_tolerance(kata, exercise):
    X, y, predicted = kata.trained(exercise)
    worst = float(np.max(np.abs(np.ravel(predicted) - np.ravel(y))))
    if not worst <= TOLERANCE:
        fail(f"{exercise}.build_model(5), trained by the tests, misses a target by {worst:.3f}.",
             got=f"largest error {worst:.3f}", expected=f"every prediction within {TOLERANCE} of its target",
             why="the tests train a fresh model on the tutorial's data with your loss and optimizer "
                 "family; a correct architecture learns it at every seed.",
             change=likely_cause(kata.built(exercise, 5)),
             details=predictions_table(y, predicted)
             + f"\n    > marks an error above the tolerance {TOLERANCE}.")


__all__ = [
    "test_trained_model_predicts_every_step_within_tolerance",
]
