-- Argo CD health of a ThreatBlocklist (guard.sikkerapi.com), from the status the operator writes.
-- Healthy: every selected node enforces (or dry-runs) the current generation. Progressing: the operator has not
-- seen this generation yet, or a staged rollout is under way (status.rollout.stage Canary or Batch n/m), or nodes are
-- still catching up. Degraded: the rollout halted (RolloutHalted), nodes report failures, the spec is invalid, or no
-- node is selected; the message says why. Argo CD runs this in Lua 5.1.
local hs = {}
if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator"
  return hs
end
local ready = nil
local degraded = nil
local halted = nil
for _, condition in ipairs(obj.status.conditions) do
  if condition.type == "Ready" then
    ready = condition
  elseif condition.type == "Degraded" then
    degraded = condition
  elseif condition.type == "RolloutHalted" then
    halted = condition
  end
end
local nodes = ""
if obj.status.nodes ~= nil and obj.status.nodes.summary ~= nil then
  nodes = " (nodes ready: " .. obj.status.nodes.summary .. ")"
end
if ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator"
  return hs
end
if obj.metadata.generation ~= nil and ready.observedGeneration ~= nil
    and ready.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "The operator has not processed generation " .. obj.metadata.generation .. " yet"
  return hs
end
if halted ~= nil and halted.status == "True" then
  hs.status = "Degraded"
  hs.message = "RolloutHalted: " .. (halted.message or "")
  return hs
end
if ready.reason == "InvalidSpec" or ready.reason == "NoNodes" then
  hs.status = "Degraded"
  hs.message = ready.reason .. ": " .. (ready.message or "")
  return hs
end
if degraded ~= nil and degraded.status == "True" then
  hs.status = "Degraded"
  hs.message = (degraded.reason or "Degraded") .. ": " .. (degraded.message or "") .. nodes
  return hs
end
local rollout = obj.status.rollout
if rollout ~= nil and rollout.stage ~= nil and rollout.stage ~= "Complete" and rollout.stage ~= "Waiting" then
  hs.status = "Progressing"
  hs.message = "Rollout " .. rollout.stage .. ": " .. (rollout.message or "") .. " (nodes on target: "
      .. (rollout.summary or "?") .. ")"
  return hs
end
if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = (ready.message or "All nodes ready") .. nodes
  return hs
end
hs.status = "Progressing"
hs.message = (ready.reason or "RollingOut") .. ": " .. (ready.message or "") .. nodes
return hs
