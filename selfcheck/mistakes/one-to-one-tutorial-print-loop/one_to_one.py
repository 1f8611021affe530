from numpy import array
from keras.models import Sequential
from keras.layers import Dense
from keras.layers import LSTM


def make_dataset(length=5):
    seq = array([i/float(length) for i in range(length)])
    X = seq.reshape(len(seq), 1, 1)
    y = seq.reshape(len(seq), 1)
    return X, y


def build_model(length=5):
    X, y = make_dataset(length)
    # define LSTM configuration
    n_neurons = length
    n_batch = length
    n_epoch = 1000
    # create LSTM
    model = Sequential()
    model.add(LSTM(n_neurons, input_shape=(1, 1)))
    model.add(Dense(1))
    model.compile(loss='mean_squared_error', optimizer='adam')
    print(model.summary())
    # train LSTM
    model.fit(X, y, epochs=n_epoch, batch_size=n_batch, verbose=2)
    # evaluate
    result = model.predict(X, batch_size=n_batch, verbose=0)
    for value in result:
        print('%.1f' % value)
    return model
