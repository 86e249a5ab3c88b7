// Part E's worker: GPT-1 itself, read from the user's file into the transformer's module (its JS API, gpt-api.js),
// answering Part E's requests (gpt1-requests.js) with host.js's protocol. Its memory is its own: a browser that
// refuses it fails here, and the rest of the page runs on.
import * as api from '../../gpt-api.js';
import { listen } from '../../engine/host.js';
import { gpt1Requests } from './requests.js';

listen(self, api, gpt1Requests);
