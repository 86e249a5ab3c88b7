// The n-gram counting worker: a large corpus is counted here, so the page never waits for it. Its requests are the
// n-gram kind's (ngram-requests.js); the protocol is host.js's.
import * as core from '../../pkg/gpt1_playground.js';
import { listen } from '../../engine/host.js';
import { ngramRequests } from './requests.js';

listen(self, core, ngramRequests);
