// No subject: the baseline workers use bare Atomics.
export {};
