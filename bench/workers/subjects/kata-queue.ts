export { BoundedQueue } from "#kata/08-queue/queue.ts";
