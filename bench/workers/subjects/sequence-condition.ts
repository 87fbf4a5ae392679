// The toolkit's ready condition (a sequence word), for comparison with kata 06's.
export { SequenceCondition as Condition } from "#toolkit/sequence-condition.ts";
