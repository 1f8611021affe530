"""The model from build_model() learns the sequence: trained by the tests on the canonical data."""
import numpy as np
import pytest

from tests.support.feedback import fail
from tests.support.training import TOLERANCE, predictions_table


@pytest.mark.points(4)
def test_trained_model_predicts_every_step_within_tolerance(kata, exercise):
    X, y, predicted = kata.trained(exercise)
    worst = float(np.max(np.abs(np.ravel(predicted) - np.ravel(y))))
    if not worst <= TOLERANCE:
        fail(f"{exercise}.build_model(5), trained by the tests, misses a target by {worst:.3f}.",
             got=f"largest error {worst:.3f}", expected=f"every prediction within {TOLERANCE} of its target",
             why="the tests train a fresh model on the tutorial's data with your loss and optimizer "
                 "family; a correct architecture learns it at every seed.",
             change="look for an output activation that cannot reach the targets (softmax, relu, "
                    "sigmoid), frozen layers, or a loss other than mean squared error.",
             details=predictions_table(y, predicted))


__all__ = [
    "test_trained_model_predicts_every_step_within_tolerance",
]
