import { rankTeachers } from './imitation.js';
import { kernels } from './kernels.js';
import { Bias, eventsBuffer, orderBuffer, type World } from './world.js';

/**
 * Step 2 of a tick: every living agent performs its learning events, in an order shuffled
 * every tick so that no agent systematically learns before or after the others.
 */
export function learning(world: World): void {
  const { params } = world;
  if (!params.language.enabled && !params.imitation.enabled && !params.innovation.enabled) return;
  if (params.imitation.enabled && world.derived.bias === Bias.Best) rankTeachers(world);
  orderBuffer(world);
  eventsBuffer(world);
  const k = kernels(world);
  const n = k.learners();
  k.learnInOrder(world.scratch.order, n, Math.ceil(params.learning.learningEvents));
}

/**
 * This tick's learners into scratch.order, band by band, each band's in a uniformly random
 * order, and their numbers of learning events into scratch.events (by slot); returns their
 * number. The loop is learnersKernel's (learning-kernel.ts).
 */
export function learners(world: World): number {
  orderBuffer(world);
  eventsBuffer(world);
  return kernels(world).learners();
}

/**
 * The learning events of the agents order[0..n), in that order, scratch.events[i] of them
 * for agent i; maxEvents is at least the largest of these. The loop is learnInOrderKernel's
 * (learning-kernel.ts).
 */
export function learnInOrder(world: World, order: Int32Array, n: number, maxEvents: number): void {
  kernels(world).learnInOrder(order, n, maxEvents);
}
