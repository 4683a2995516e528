// Class names and statistics of the standard datasets: plain data, usable in browsers.

/** The MNIST classes: the digits. */
export const MNIST_CLASSES: readonly string[] = Object.freeze([
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
]);

/** Mean and standard deviation of MNIST's training pixels in [0, 1] (as used by PyTorch's examples). */
export const MNIST_NORMALIZATION = Object.freeze({ mean: 0.1307, std: 0.3081 });

/** The ten Fashion-MNIST classes, by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);
