package com.sikkerapi.guard.testing;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Pod Security Standards' restricted profile (the rules of the baseline profile and those it adds, as
 * Kubernetes 1.25+ admission enforces them), checked field by field on a pod spec: v1.20 has no Pod Security
 * admission, so what a tenant namespace labelled {@code pod-security.kubernetes.io/enforce: restricted} would admit
 * is decided here.
 */
public final class RestrictedProfile {
    private static final Set<String> VOLUME_TYPES_ALLOWED = Set.of("configMap", "csi", "downwardAPI", "emptyDir",
            "ephemeral", "persistentVolumeClaim", "projected", "secret");
    private static final Set<String> BASELINE_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER",
            "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
    private static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range");

    private RestrictedProfile() {
    }

    /** Every rule the pod breaks, one line each; empty when the restricted profile admits it. */
    public static List<String> violations(PodSpec pod) {
        List<String> broken = new ArrayList<>();
        PodSecurityContext podContext = pod.getSecurityContext() == null ? new PodSecurityContext()
                : pod.getSecurityContext();
        check(broken, !Boolean.TRUE.equals(pod.getHostNetwork()), "hostNetwork");
        check(broken, !Boolean.TRUE.equals(pod.getHostPID()), "hostPID");
        check(broken, !Boolean.TRUE.equals(pod.getHostIPC()), "hostIPC");
        for (Volume volume : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
            check(broken, VOLUME_TYPES_ALLOWED.contains(volumeType(volume)), "volume " + volume.getName()
                    + " of type " + volumeType(volume));
        }
        if (podContext.getSysctls() != null) {
            podContext.getSysctls().forEach(sysctl -> check(broken, SAFE_SYSCTLS.contains(sysctl.getName()),
                    "sysctl " + sysctl.getName()));
        }
        check(broken, podContext.getRunAsUser() == null || podContext.getRunAsUser() != 0, "pod runAsUser 0");
        for (Container container : containers(pod)) {
            container(broken, container, podContext);
        }
        return broken;
    }

    private static void container(List<String> broken, Container container, PodSecurityContext pod) {
        String name = "container " + container.getName() + ": ";
        SecurityContext context = container.getSecurityContext() == null ? new SecurityContext()
                : container.getSecurityContext();
        check(broken, !Boolean.TRUE.equals(context.getPrivileged()), name + "privileged");
        check(broken, Boolean.FALSE.equals(context.getAllowPrivilegeEscalation()),
                name + "allowPrivilegeEscalation must be false");
        boolean nonRoot = context.getRunAsNonRoot() != null ? context.getRunAsNonRoot()
                : Boolean.TRUE.equals(pod.getRunAsNonRoot());
        check(broken, nonRoot, name + "runAsNonRoot must be true");
        Long user = context.getRunAsUser() != null ? context.getRunAsUser() : pod.getRunAsUser();
        check(broken, user == null || user != 0, name + "runAsUser 0");
        SeccompProfile seccomp = context.getSeccompProfile() != null ? context.getSeccompProfile()
                : pod.getSeccompProfile();
        check(broken, seccomp != null && Set.of("RuntimeDefault", "Localhost").contains(seccomp.getType()),
                name + "seccompProfile must be RuntimeDefault or Localhost");
        Capabilities capabilities = context.getCapabilities();
        check(broken, capabilities != null && capabilities.getDrop() != null && capabilities.getDrop().contains("ALL"),
                name + "capabilities must drop ALL");
        List<String> added = capabilities == null || capabilities.getAdd() == null ? List.of() : capabilities.getAdd();
        for (String capability : added) {
            check(broken, capability.equals("NET_BIND_SERVICE"), name + "adds capability " + capability);
            check(broken, BASELINE_CAPABILITIES.contains(capability), name + "adds capability " + capability
                    + " beyond the baseline");
        }
        check(broken, context.getProcMount() == null || context.getProcMount().equals("Default"),
                name + "procMount");
        if (container.getPorts() != null) {
            container.getPorts().forEach(port -> check(broken, port.getHostPort() == null || port.getHostPort() == 0,
                    name + "hostPort " + port.getHostPort()));
        }
    }

    private static List<Container> containers(PodSpec pod) {
        return Stream.of(pod.getInitContainers(), pod.getContainers()).filter(Objects::nonNull)
                .flatMap(List::stream).toList();
    }

    private static String volumeType(Volume volume) {
        if (volume.getHostPath() != null) {
            return "hostPath";
        }
        for (String type : VOLUME_TYPES_ALLOWED) {
            Object source = switch (type) {
                case "configMap" -> volume.getConfigMap();
                case "csi" -> volume.getCsi();
                case "downwardAPI" -> volume.getDownwardAPI();
                case "emptyDir" -> volume.getEmptyDir();
                case "ephemeral" -> volume.getEphemeral();
                case "persistentVolumeClaim" -> volume.getPersistentVolumeClaim();
                case "projected" -> volume.getProjected();
                default -> volume.getSecret();
            };
            if (source != null) {
                return type;
            }
        }
        return "other";
    }

    private static void check(List<String> broken, boolean holds, String rule) {
        if (!holds) {
            broken.add(rule);
        }
    }
}
