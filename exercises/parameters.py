"""Bonus exercise - parameters: count a layer's weights yourself, and see why TimeDistributed is small.

Keras's model.summary() shows a "Param #" for every layer. Each follows from two sizes: the
layer's units and the number of features it is fed (input_dim).

    Dense(units) fed input_dim values:
        every unit has one weight per input, and one bias.

    LSTM(units) fed input_dim features at each timestep:
        four gates (input, forget, cell, output); every gate is a small Dense layer that sees
        the timestep's input_dim features AND the LSTM's own previous output (units values),
        and has one bias per unit.

The tutorial writes the LSTM's count as  n = 4 * ((inputs + 1) * outputs + outputs^2).
Careful: in Python, ^ is bitwise XOR, not a power (5 ^ 2 == 7). Write ** or multiply.

Then use your functions on the tutorial's models (length 5; the LSTM returns 5 values a step):

    many_to_one:   LSTM(5) -> Dense(5)                    Dense(5) fed 5 values:  dense_params(5, 5)
    many_to_many:  LSTM(5, return_sequences=True)
                   -> TimeDistributed(Dense(1))           one Dense(1) fed 5 values, at each of the
                                                          5 timesteps:            dense_params(1, 5)

Does TimeDistributed make five copies of Dense(1), or one that every timestep shares?
The count answers it: 6 weights, not 30 - and not 5 * 6. That is the tutorial's central point.

TODO:
  lstm_params(units, input_dim): return the number of weights of LSTM(units) fed input_dim features.
  dense_params(units, input_dim): return the number of weights of Dense(units) fed input_dim values.
  Return a plain int. The tests compare both with Keras's own count_params() at many sizes.
"""


def lstm_params(units, input_dim):
    raise NotImplementedError("parameters.lstm_params: the number of weights of LSTM(units) fed input_dim features")


def dense_params(units, input_dim):
    raise NotImplementedError("parameters.dense_params: the number of weights of Dense(units) fed input_dim features")
