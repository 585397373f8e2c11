// Registers Cardkeep's elements. The script-tag bundle's entry; the only module with side effects.
export {};
