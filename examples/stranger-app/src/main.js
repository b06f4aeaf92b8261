import { mountCommunication } from './app.js';

// The app's back end signs the user in and says which thread to show.
const session = await (await fetch('/api/communication-session')).json();
mountCommunication(document.querySelector('#communication'), session);
