"""Trained predictions kept on disk for the other grading processes of one gradebook run.

Training is the grader's largest cost (0.2 to 0.7 s a model, nearly all of it building the graph),
and a class hands in the same few models again and again. What the training check sees is decided
by the model the grader loads, which is decided by its archive's config.json: every layer, its
settings and connections, the loss and the optimizer (not the weights or their initialisers: the
grader draws fresh weights from Keras's defaults at the seed). With the data, the seed and the recipe (kata/training.py), and ops made
deterministic (the plugin enables op determinism), that decides the predictions. The key is the
SHA-256 of all of these, as read from the archive (never a summary of ours that could leave a
setting out), and of the versions of TensorFlow, Keras and numpy: two models that share a key
train to the same predictions.

Only grading processes read or write the folder: the gradebook keeps it outside every sandboxed
worker's reach. An entry is written whole (a temporary file, then a rename) and is used only if it
is a plain array of the target's shape; anything else is trained again.
"""
import hashlib
import json
import os
import tempfile
from pathlib import Path

RECIPE = Path(__file__).with_name("training.py")


def numbered_shared_objects(config):
    """The config with each shared_object_id (a memory address, new in every process) replaced by
    its number in order of first appearance: which objects are shared stays in the key."""
    numbers = {}

    def walk(node):
        if isinstance(node, dict):
            return {key: numbers.setdefault(repr(value), len(numbers)) if key == "shared_object_id" else walk(value)
                    for key, value in sorted(node.items())}
        if isinstance(node, list):
            return [walk(value) for value in node]
        return node
    return walk(config)


def key_of(config, X, y, seed):
    """The entry's name: a SHA-256 of everything that decides the trained predictions."""
    import keras
    import numpy as np
    import tensorflow as tf
    decided_by = {"model": numbered_shared_objects(config), "X": np.asarray(X).tolist(), "y": np.asarray(y).tolist(),
                  "seed": seed, "recipe": hashlib.sha256(RECIPE.read_bytes()).hexdigest(),
                  "versions": [tf.__version__, keras.__version__, np.__version__]}
    text = json.dumps(decided_by, sort_keys=True, default=repr)   # repr: an odd value can only miss
    return hashlib.sha256(text.encode()).hexdigest()


class TrainingCache:
    def __init__(self, folder):
        self.folder = Path(folder)

    def get(self, key, shape):
        """The predictions stored under key, if they are a numeric array of this shape; else None."""
        import numpy as np
        try:
            predicted = np.load(self.folder / f"{key}.npy", allow_pickle=False)
        except (OSError, ValueError, EOFError):
            return None
        return predicted if predicted.shape == tuple(shape) and predicted.dtype.kind == "f" else None

    def put(self, key, predicted):
        import numpy as np
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=self.folder, suffix=".partial")
        with os.fdopen(handle, "wb") as file:
            np.save(file, np.asarray(predicted), allow_pickle=False)
        os.replace(partial, self.folder / f"{key}.npy")
