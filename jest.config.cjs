/** Jest runs the TypeScript sources directly (ts-jest, transpile only; `pnpm lint` type-checks). */
const esmOnly = ["jose", "parse5", "entities", "cookie"].join("|");

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/packages", "<rootDir>/test", "<rootDir>/examples", "<rootDir>/bench", "<rootDir>/docs"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/"],
  moduleNameMapper: {
    "^@bulwark/(core|express|koa|fastify)$": "<rootDir>/packages/$1/src/index.ts",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
  transform: {
    "^.+\\.[tj]s$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.test.json", diagnostics: false }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(\\.pnpm/[^/]+/node_modules/)?(${esmOnly})/)`],
  testTimeout: 30000,
  maxWorkers: 2,
};
