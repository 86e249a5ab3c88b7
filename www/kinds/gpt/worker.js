// The tiny GPT's training worker (Part D): the transformer's module (its JS API, gpt-api.js) and the GPT kind's
// requests (gpt-requests.js), answered with host.js's protocol.
import * as api from '../../gpt-api.js';
import { listen } from '../../engine/host.js';
import { gptRequests } from './requests.js';

listen(self, api, gptRequests);
