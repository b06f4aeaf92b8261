// Calling components: defined by importing this module.
export {};
