"""Parameter arithmetic: how many weights a layer has, from its size and the size of its input.

An LSTM has four gates; each gate has a weight per (input feature + previous output) per unit,
and a bias per unit. A Dense layer has a weight per input per unit, and a bias per unit.

    lstm_params(5, 1)  = 4 * 5 * (1 + 5 + 1) = 140
    dense_params(1, 5) = 1 * (5 + 1)         = 6    TimeDistributed(Dense(1)): shared by every timestep
    dense_params(5, 5) = 5 * (5 + 1)         = 30   Dense(5) in many-to-one
"""


def lstm_params(units, input_dim):
    return 4 * units * (input_dim + units + 1)


def dense_params(units, input_dim):
    return units * (input_dim + 1)
