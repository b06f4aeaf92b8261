// Chat components: defined by importing this module.
export {};
