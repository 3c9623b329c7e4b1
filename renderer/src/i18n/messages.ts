/**
 * A catalogue has exactly the keys of the English one, each a string: the compiler then
 * refuses a Chinese catalogue that misses a key or adds one (and the catalogue test says
 * the same at run time). Plurals follow i18next: `images_one`, `images_other`; Chinese
 * has one form, so its `_one` repeats `_other`.
 */
export type Messages<T> = { readonly [K in keyof T]: T[K] extends string ? string : Messages<T[K]> };
