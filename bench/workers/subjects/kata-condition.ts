export { Condition } from "#kata/06-condition/condition.ts";
