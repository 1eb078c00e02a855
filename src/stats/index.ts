/** @file `ad.stats`: jax.scipy.stats' distributions, one namespace per family. */
export {};
