// ProtocolError lives with the other things browser and server share (src/protocol/); the
// stores and their tests name it from here, beside the rest of the server.
export { ProtocolError } from '../protocol/protocol-error.js';
