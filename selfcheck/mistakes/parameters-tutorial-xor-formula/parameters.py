def lstm_params(units, input_dim):
    # the tutorial's formula, copied as written
    return 4 * ((input_dim + 1) * units + units^2)


def dense_params(units, input_dim):
    return (input_dim + 1) * units
