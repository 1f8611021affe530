"""Load a learner's folder and call its functions, turning every way they can go wrong into a sentence.

Nothing here lets an exception from the learner's code reach pytest as a traceback:
each becomes a `Problem` whose text names the file, the line and what to do.
"""
import importlib.util
import inspect
import linecache
import re
import sys
import traceback
import warnings
from pathlib import Path

import pytest


class Problem(pytest.fail.Exception):
    """A check failed for a reason the learner should read in plain words: pytest shows the text, no traceback."""

    kind = "failed"

    def __init__(self, text):
        super().__init__(re.sub(r"\x1b\[[0-9;]*m", "", text), pytrace=False)   # no terminal colour codes

    def __str__(self):
        return self.msg


class NotStarted(Problem):
    """The function still raises the stub's NotImplementedError."""

    kind = "not started"


class Broken(Problem):
    """A function is missing, or crashed."""

    kind = "broken"


class BrokenFile(Broken):
    """The module is missing or cannot be imported: every check of its exercise fails the same way."""

    kind = "broken file"


# Keras errors a learner of this kata meets, by a phrase of their message, with what they mean here.
KERAS_ADVICE = {
    "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions":
        "TimeDistributed applies a layer at every timestep, so its input must be (samples, timesteps, "
        "features); the LSTM before it outputs only its last step. Give that LSTM return_sequences=True.",
    "No module named 'keras.layers.":
        "Keras 3 keeps every layer directly in keras.layers: from keras.layers import LSTM, Dense.",
    "expected ndim=3, found ndim=2":
        "an LSTM reads 3D (samples, timesteps, features), but what reaches it is 2D, with no timesteps "
        "axis. Where the input itself is one vector per sample, RepeatVector(timesteps) before the LSTM "
        "makes the timesteps; where it is a sequence, keras.Input(shape=(timesteps, features)) keeps "
        "them; an LSTM that feeds another LSTM needs return_sequences=True.",
    "expected ndim=2, found ndim=3":
        "RepeatVector repeats one vector (samples, features), but the layer before it passes on every "
        "timestep (samples, timesteps, units). An encoder LSTM before RepeatVector keeps its default "
        "return_sequences=False, so it hands on only its last output.",
}


def keras_advice(error):
    """'\n  what it means: ...' for a Keras error this kata explains, else ''."""
    advice = [text for phrase, text in KERAS_ADVICE.items() if phrase in str(error)]
    return f"\n  what it means: {advice[0]}" if advice else ""


def timeout_seconds(error):
    """'60 s' from pytest-timeout's 'Timeout (>60.0s) from pytest-timeout.'"""
    seconds = re.search(r">([0-9.]+)s", str(error))
    return f"{float(seconds.group(1)):g} s" if seconds else "the time limit"


class Implementation:
    """One folder that keeps the contract: exercises/, solutions/ or a student's submission."""

    def __init__(self, folder, label):
        self.folder = Path(folder)
        self.label = label.rstrip("/") + "/"
        self.modules = {}
        self.tips = set()
        self.timed_out = {}  # (module, function) -> the Broken of its first timeout: not called again

    def path_of(self, module):
        return f"{self.label}{module}.py"

    def module(self, name):
        if name not in self.modules:
            self.modules[name] = self._import(name)
        loaded = self.modules[name]
        if isinstance(loaded, Problem):
            raise loaded
        return loaded

    def _import(self, name):
        path = self.folder / f"{name}.py"
        if not path.is_file():
            return BrokenFile(f"missing file: {self.path_of(name)} - create it with the functions "
                          f"the exercise asks for (see exercises/{name}.py).")
        spec = importlib.util.spec_from_file_location(f"kata_{name}", path)
        module = importlib.util.module_from_spec(spec)
        sys.path.insert(0, str(self.folder))
        try:
            with warnings.catch_warnings(record=True):
                spec.loader.exec_module(module)
        except SyntaxError as error:
            where = f"{self.path_of(name)} line {error.lineno}"
            return BrokenFile(f"{where}: SyntaxError: {error.msg}\n    {(error.text or '').strip()}")
        except Exception as error:
            return BrokenFile(f"{self._where(error, name)}: {type(error).__name__} while importing: {error}"
                              + keras_advice(error))
        except pytest.fail.Exception as error:   # pytest-timeout interrupted the import: remember it
            return BrokenFile(f"timed out: importing {self.path_of(name)} did not finish within the time "
                              f"limit ({timeout_seconds(error)}).\n  Code at the top level of the file runs "
                              "on import: move any training or loop into a function, or delete it.")
        finally:
            sys.path.remove(str(self.folder))
        return module

    def _where(self, error, module):
        """'exercises/x.py line 12' for the deepest frame of the error that is in the learner's file."""
        frames = [f for f in traceback.extract_tb(error.__traceback__)
                  if Path(f.filename).resolve().parent == self.folder.resolve()]
        if not frames:
            return self.path_of(module)
        frame = frames[-1]
        line = linecache.getline(frame.filename, frame.lineno).strip()
        return f"{self.label}{Path(frame.filename).name} line {frame.lineno} ({line})"

    def call(self, module, function, *args):
        """Call module.function(*args) from the learner's folder; every failure becomes a Problem."""
        shown = f"{module}.{function}({', '.join(map(repr, args))})"
        func = getattr(self.module(module), function, None)
        if not callable(func):
            defined = sorted(name for name, value in vars(self.module(module)).items()
                             if inspect.isfunction(value) and value.__module__ == f"kata_{module}")
            raise Broken(f"missing function: {self.path_of(module)} has no function named "
                         f"{function}(){' (it defines ' + ', '.join(defined) + ')' if defined else ''}. "
                         f"The tests call {shown}; keep the name and arguments of the stub.")
        if (module, function) in self.timed_out:
            raise Broken(str(self.timed_out[module, function]) + f"\n  Not calling {shown} as well.")
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = func(*args)
        except NotImplementedError:
            raise NotStarted(f"not started: {self.path_of(module)} {function}() - "
                             "see the TODO in its docstring") from None
        except pytest.fail.Exception as error:   # pytest-timeout interrupts a call that never returns
            self.timed_out[module, function] = Broken(
                f"timed out: {shown} in {self.path_of(module)} did not return within the time limit "
                f"({timeout_seconds(error)}); every check that calls {function}() fails the same way."
                "\n  Look for a loop that never ends, or layers far larger than the exercise asks for.")
            raise self.timed_out[module, function] from None
        except TypeError as error:
            where = self._where(error, module)
            raise Broken(f"{shown} raised TypeError: {error}\n  at {where}" + (
                f"\n  The tests call {shown}: keep the stub's arguments, such as length=5."
                if where == self.path_of(module) else "")) from None
        except Exception as error:
            raise Broken(f"{shown} raised {type(error).__name__}: {error}\n"
                         f"  at {self._where(error, module)}" + keras_advice(error)) from None
        if any("input_shape" in str(w.message) for w in caught):
            self.tips.add("You pass input_shape= to a layer. That works, but Keras 3 prefers "
                          "keras.Input(shape=(timesteps, features)) as the first layer.")
        return result
