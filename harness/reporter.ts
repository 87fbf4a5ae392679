import type { Reporter } from "vitest/reporters";
export default class KataReporter implements Reporter {}
