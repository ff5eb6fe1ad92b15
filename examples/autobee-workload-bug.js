// The autobee workload (autobee-workload.js) with a planted bug in its view: apply
// drops delete nodes, so a deleted key comes back on every peer. The tests prove the
// simulator finds it and shrinks it to a few steps:
//   npx corestore-sim run --workload ./examples/autobee-workload-bug.js --seed 1 --peers 2 --faults none
const { autobee, applyNode } = require('./autobee-workload.js')

module.exports = autobee({
  name: 'autobee-bug',
  applyNode: async (node, bee, host) => {
    if (node.del === undefined) await applyNode(node, bee, host)
  }
})
