"""Train a learner's model fast and deterministically, within a budget, and show its predictions as a table.

The tutorial calls model.fit for 500 to 1000 epochs; each epoch costs about 80 ms of Python and
tracing here. We run all the steps inside one traced tf.while_loop instead (called in chunks,
below), with the learner's own loss and a fresh optimizer of the learner's class at a higher
learning rate, the recurrent layers unrolled over their few timesteps: about 0.3 s a model, and
at least 4x margin under the 0.1 tolerance at every seed from 0 to 19.

The grader trains in its own process, so a model is bounded before it trains and while it does:
its cost, the multiply-adds of one pass over the data read from its layers' shapes, must be under
COST_LIMIT (a model of few weights can still run them over a huge number of timesteps), and the
steps run as chunks of one traced function, the clock read between them, up to TIME_BUDGET.
Either raises TooCostly, never a hang. (tf.timestamp would read the clock inside the loop, but
op determinism, which the grader enables, refuses it.)
"""
import math
import time

import numpy as np

from .architecture import class_name, layer_name, layers_of

STEPS = 300
LEARNING_RATE = 0.02
TOLERANCE = 0.1
COST_LIMIT = 150_000    # a pass over the data, see cost_rows; the exercises' models cost 6,740 to 13,416
PER_STEP = 1_000        # what a layer costs each time it runs, in multiply-adds: an op takes microseconds at any size
TIME_BUDGET = 20.0      # seconds to trace, train and predict; the tutorial's models take about 0.3
CHUNK = 50              # steps between two readings of the clock
UNROLLED_UP_TO = 16     # timesteps: a recurrent layer over more runs as a loop (unrolled, a long sequence takes GBs)


def without_initialisers(config):
    """A layer's config with every *_initializer left out, nested layers' too: Keras's defaults instead."""
    if isinstance(config, dict):
        return {key: without_initialisers(value) for key, value in config.items() if not key.endswith("_initializer")}
    if isinstance(config, list):
        return [without_initialisers(value) for value in config]
    return config


def freshly_initialised(model, seed):
    """The same architecture, loss and optimizer class, with weights drawn here from Keras's default
    initialisers at the seed: whatever weights (or initialisers) the learner's archive carries, the
    training check starts from scratch, as the tutorial's model does."""
    import keras
    from .architecture import compiled_like
    keras.utils.set_random_seed(seed)
    return compiled_like(keras.models.clone_model(
        model, clone_function=lambda layer: layer.__class__.from_config(without_initialisers(layer.get_config()))), model)


class TooCostly(Exception):
    """A model the grader does not train, or stopped training: what made it so, in the learner's words."""

    def __init__(self, reason, got):
        super().__init__(reason)
        self.reason, self.got = reason, got


def fresh_optimizer(model):
    optimizer = model.optimizer
    config = {**optimizer.get_config(), "learning_rate": LEARNING_RATE}
    return type(optimizer).from_config(config)


def sample_shapes(tensors):
    """The shapes of one sample of a layer's input or output: each tensor's less its samples axis."""
    import keras
    return [tuple(tensor.shape)[1:] for tensor in keras.tree.flatten(tensors)]


def timesteps(layer):
    """How many times a layer applies its weights to one sample: the product of its input's axes
    between samples and features (an LSTM's timesteps; 1 for a Dense fed (samples, features))."""
    return max((math.prod(size or 1 for size in shape[:-1]) for shape in sample_shapes(layer.input)), default=1)


def values_out(layer):
    """How many values a layer outputs for one sample."""
    return sum(math.prod(size or 1 for size in shape) for shape in sample_shapes(layer.output))


def leaf_layers(model):
    """The model's layers but its InputLayer, those of a model nested in it in its place."""
    import keras
    return [leaf for layer in layers_of(model)
            for leaf in (leaf_layers(layer) if isinstance(layer, keras.Model) else [layer])]


def cost_rows(model, samples):
    """(cost, layer, timesteps) of each layer: samples x (the timesteps it runs x (its weights +
    PER_STEP) + the values it outputs), the time and memory of one pass over the data in multiply-adds."""
    rows = []
    for layer in leaf_layers(model):
        steps = timesteps(layer)
        rows.append((samples * (steps * (layer.count_params() + PER_STEP) + values_out(layer)), layer, steps))
    return rows


def refuse_if_costly(model, samples):
    """Raise TooCostly, naming the costliest layer, if a pass over the data costs over COST_LIMIT."""
    rows = cost_rows(model, samples)
    total = sum(cost for cost, _, _ in rows)
    if total <= COST_LIMIT:
        return
    _, layer, steps = max(rows, key=lambda row: row[0])
    repeats = [other.n for other in leaf_layers(model) if class_name(other) == "RepeatVector"]
    if steps in repeats:
        reason = f"RepeatVector({steps}) makes {layer_name(layer)} run {steps:,} timesteps"
    elif steps > 1:
        reason = f"{layer_name(layer)} runs {steps:,} timesteps"
    else:
        reason = f"{layer_name(layer)} has {layer.count_params():,} weights and outputs {values_out(layer):,} values a sample"
    raise TooCostly(reason, got=f"about {total:,} multiply-adds a pass over the data")


def train(model, X, y, steps=STEPS, time_budget=TIME_BUDGET):
    """Fit model to (X, y) in one traced graph; return its predictions for X as a numpy array. Raises
    TooCostly before training a model over COST_LIMIT, and once training overruns time_budget."""
    import keras
    import tensorflow as tf

    deadline = time.perf_counter() + time_budget
    refuse_if_costly(model, len(X))
    loss_fn = keras.losses.get(model.loss) if isinstance(model.loss, str) else model.loss
    for layer in leaf_layers(model):
        if hasattr(layer, "unroll"):   # the same arithmetic, a third faster to trace over a handful of timesteps
            layer.unroll = timesteps(layer) <= UNROLLED_UP_TO
    optimizer = fresh_optimizer(model)
    optimizer.build(model.trainable_variables)
    X = tf.constant(X, tf.float32)
    y = tf.constant(y, tf.float32)

    def step(i, _):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(loss_fn(y, model(X, training=True)))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return i + 1, loss

    @tf.function(autograph=False, input_signature=[tf.TensorSpec([], tf.int32)])   # traced once, for any count
    def fit_then_predict(count):     # the loop is an explicit tf.while_loop; no converted source files
        trained = tf.while_loop(lambda i, _: i < count, step, (tf.constant(0), tf.constant(0.0)))
        with tf.control_dependencies(trained):
            return model(X, training=False)

    for done in range(0, steps, CHUNK):
        if time.perf_counter() > deadline:
            raise TooCostly(f"training it ran over the {time_budget:g} s the tests give a model",
                            got=f"{done} of {steps} training steps in {time_budget:g} s")
        predicted = fit_then_predict(tf.constant(min(CHUNK, steps - done)))
    return np.asarray(predicted)


def predictions_table(target, predicted):
    """One row per step: target, prediction, error; the worst marked."""
    target, predicted = np.ravel(target), np.ravel(predicted)
    errors = np.abs(predicted - target)
    worst = int(np.argmax(errors))
    lines = ["      step  target  prediction   error"]
    for i, (t, p, e) in enumerate(zip(target, predicted, errors)):
        mark = ">" if e > TOLERANCE else " "
        lines.append(f"    {mark} {i:4d}  {t:6.2f}  {p:10.3f}  {e:6.3f}"
                     + ("   <- largest" if i == worst else ""))
    return "\n".join(lines)
