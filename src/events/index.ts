export { CardkeepShownEvent, type CardkeepNotice } from './shown.js';
export { CardkeepOpenEvent, type CardkeepForm } from './open.js';
export { CardkeepUpdatedEvent } from './updated.js';
export { CardkeepErrorEvent } from './error.js';
export { CardkeepDismissedEvent } from './dismissed.js';
