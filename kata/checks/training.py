"""The model from build_model() learns the sequence: trained by the tests on the canonical data."""
import numpy as np

from .. import advice
from ..architecture import layer_name, layers_of, output_activation, trainable_count
from ..feedback import fail
from ..training import TOLERANCE, predictions_table
from . import check


@check("training", points=4)
def test_trained_model_predicts_every_step_within_tolerance(kata, exercise):
    X, y, predicted = kata.trained(exercise)
    worst = float(np.max(np.abs(np.ravel(predicted) - np.ravel(y))))
    if not worst <= TOLERANCE:
        model = kata.built(exercise, 5)
        fail(f"{exercise.name}.does_not_learn",
             f"{exercise}.build_model(5), trained by the tests, misses a target by {worst:.3f}.",
             got=f"largest error {worst:.3f}", expected=f"every prediction within {TOLERANCE} of its target",
             **advice.does_not_learn(layer_name(layers_of(model)[-1]), output_activation(model), type(model.optimizer).__name__, model.count_params() != trainable_count(model)),
             details=predictions_table(y, predicted)
             + f"\n    > marks an error above the tolerance {TOLERANCE}.")
