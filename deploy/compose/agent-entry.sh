#!/bin/sh
# The hospital agent's container: enroll once with the one-time code the demo setup wrote (then the code is spent),
# and run. The enrollment (key, pinned portal key) lives in the agent-state volume and survives restarts.
set -eu
dll=/agent/Portal.Connectors.SiteAgent.dll
if [ ! -f /var/lib/site-agent/enrollment.json ]; then
  [ -s /codes/hospital-agent.code ] || { echo "site-agent: no enrollment code in /codes (run the setup service)" >&2; exit 1; }
  dotnet "$dll" enroll --portal http://portal-a:8081 --code "$(cat /codes/hospital-agent.code)" --state /var/lib/site-agent
fi
exec dotnet "$dll" run --config /etc/site-agent/site.json
