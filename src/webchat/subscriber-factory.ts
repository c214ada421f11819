import type {Subscriber} from '../bus/index.js'

/** Where a conversation's StreamCoordinator reads its events from. No route subscribes by itself. */
export type SubscriberFactory = (convId: string) => Subscriber

/** Every conversation reads from the same bus (memory, or one Redis connection). */
export const sharedSubscriberFactory =
  (subscriber: Subscriber): SubscriberFactory =>
  () =>
    subscriber
