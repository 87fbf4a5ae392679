export { Event } from "#kata/05-event/event.ts";
