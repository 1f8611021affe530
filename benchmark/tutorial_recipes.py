"""The tutorial's own training recipes, as it runs them: model.fit for 1000, 500 and 1000 epochs, verbose=2.

Run by benchmark/speed.py in its own process, so both sides of the comparison pay for
importing TensorFlow. Prints each model's largest error so the comparison is like for like.
"""
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kata.quiet import stderr_descriptor_silenced  # noqa: E402

RECIPES = [("one_to_one", 1000, 5), ("many_to_one", 500, 1), ("many_to_many", 1000, 1)]  # epochs, batch_size


def main():
    with stderr_descriptor_silenced():   # TensorFlow as the tutorial runs it: its default threads
        import tensorflow  # noqa: F401
    import importlib
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "solutions"))
    for name, epochs, batch in RECIPES:
        module = importlib.import_module(name)
        X, y = module.make_dataset(5)
        model = module.build_model(5)
        start = time.perf_counter()
        model.fit(X, y, epochs=epochs, batch_size=batch, verbose=2)   # as the tutorial runs it
        error = abs(model.predict(X, verbose=0).ravel() - y.ravel()).max()
        print(f"  {name:<13} {epochs:>5} epochs  {time.perf_counter() - start:6.1f} s"
              f"  largest error {error:.3f}", flush=True)


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    main()
