"""Failure messages in plain words: what was called, what came back, what was expected, why, what to change."""
from .implementation import Problem


def fail(called, got, expected, why, change, details=""):
    """Raise a Problem whose text is the five parts, one per line, then any table."""
    text = (f"{called}\n  got:      {got}\n  expected: {expected}\n  why:      {why}\n"
            f"  change:   {change}")
    raise Problem(text + (f"\n{details}" if details else ""))


def shape_text(shape):
    if not isinstance(shape, tuple):
        return str(shape)
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def code_shape(shape, length):
    """A shape as the learner should write it, with the sizes the exercises derive from the length:
    (1, length, 1) rather than (1, 5, 1), (1, (length + 1) // 2, 1) rather than (1, 3, 1)."""
    derived = {length: "length", (length + 1) // 2: "(length + 1) // 2"}
    return "(" + ", ".join(derived.get(size, str(size)) if size != 1 else "1" for size in shape) + \
        ("," if len(shape) == 1 else "") + ")"


def axes_text(shape):
    """How Keras reads an array of this many axes: an LSTM's 3D input, or a 2D one such as RepeatVector's."""
    return {3: "(samples, timesteps, features)", 2: "(samples, features)"}.get(len(shape), f"{len(shape)} axes")


def reading(shape):
    """'1 sample of 5 timesteps, each 1 feature' for (1, 5, 1): how an LSTM reads a 3D X."""
    def count(n, word):
        return f"{n} {word}" + ("" if n == 1 else "s")
    samples, timesteps, features = shape
    return f"{count(samples, 'sample')} of {count(timesteps, 'timestep')}, each {count(features, 'feature')}"


def shape_diagnosis(got, expected, length, name="X"):
    """The most likely reason a data shape (of X or y) is wrong, as one sentence with its fix."""
    got, expected = tuple(got), tuple(expected)
    if len(got) != len(expected):
        if name == "y":
            each = " (samples, timesteps, outputs): one value at each timestep" if len(expected) == 3 else ""
            return f"y needs the {len(expected)} axes of the model's output{each}. Use .reshape{code_shape(expected, length)}."
        if len(expected) == 3:
            return (f"an LSTM reads 3D input (samples, timesteps, features); yours is {len(got)}D. "
                    f"Use .reshape{code_shape(expected, length)}.")
        return f"this array is {len(expected)}D; use .reshape{code_shape(expected, length)}."
    if sorted(got) == sorted(expected) and name == "X" and len(got) == 3:
        return (f"the axes are in the wrong order: Keras reads {shape_text(got)} as {reading(got)}. "
                f"Use .reshape{code_shape(expected, length)}: {reading(expected)}.")
    if sorted(got) == sorted(expected):
        return (f"the axes are in the wrong order: Keras reads {axes_text(expected)}. "
                f"Use .reshape{code_shape(expected, length)}.")
    if length != 5 and 5 in got and 5 not in expected:
        return (f"a length of 5 is hard-coded: write .reshape{code_shape(expected, length)} with the "
                f"length argument, so length={length} gives {shape_text(expected)}.")
    return f"use .reshape{code_shape(expected, length)}."


__all__ = ["fail", "Problem", "shape_text", "code_shape", "axes_text", "shape_diagnosis"]
