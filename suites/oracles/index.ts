// Oracles: the checkers that turn a history into a three-valued verdict, the observer that turns watches
// into history, and the direct store reader for the dual view.
export { checkHistory, checkersFor } from './check/check-history.js';
export type { CheckOptions, Finding, StreamingChecker, FinishContext } from './check/checker.js';
export { HistoryStory } from './check/story.js';
export { NoopChecker } from './check/noop.js';
export {
  readStore,
  parseBackupTargetURL,
  storeClient,
  type StoreReadOptions,
  type StoreSnapshot,
} from './store/read-store.js';
export {
  startObserver,
  RUN_WATCHED_KINDS,
  type Observer,
  type ObserverOptions,
  type ObserverStats,
} from './observer/observer.js';
