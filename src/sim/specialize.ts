let copies = 0;

/**
 * A copy of `factory` compiled from its source, apart from every other copy.
 *
 * V8 compiles a closure with the values it captures as constants when it is the only closure
 * ever made from its function's code ("function context specialization"). The kernels of a
 * world are closures made by a factory; made by this copy of it, they are the only ones,
 * and each world's kernels are compiled for that world. The factory must use nothing but
 * globals and its arguments: its source is compiled at the top level, apart from its module.
 *
 * The number in the source keeps V8 from handing back a cached compilation of the same
 * text, whose closures would count as one. Where code cannot be compiled from strings
 * (node --disallow-code-generation-from-strings), the factory itself serves: the same
 * results, without the constants.
 */
export function specialize<F extends (...args: never[]) => unknown>(factory: F): F {
  try {
    return new Function(`"use strict";\nreturn (${factory.toString()});\n// copy ${++copies}`)() as F;
  } catch (e) {
    if (e instanceof EvalError) return factory;
    throw e;
  }
}
