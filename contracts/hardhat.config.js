// The local chain for tests and the local runtime: `npx hardhat node --hostname 127.0.0.1 --port N`.
// Contracts are compiled by compile.mjs (solc-js), not by Hardhat, so no compiler is downloaded.
module.exports = {
  networks: {
    hardhat: { chainId: 31337, mining: { auto: true }, initialBaseFeePerGas: 0 },
  },
};
