import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Runs the suites in the order of their paths, which is the order of the katas. */
export class KataSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}
