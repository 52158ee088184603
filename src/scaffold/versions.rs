//! What the generated objects depend on by tidb-operator (v1) version: one table of facts, each row with the
//! first release that has it and the code it follows (read at the tags of github.com/pingcap/tidb-operator).
//!
//! Port names not listed here were checked unchanged from the release that introduced the component through
//! v1.6.6 (`pkg/manager/member/*_member_manager.go`): tidb `status`, tikv `peer`, ticdc `ticdc`, pump `pump`,
//! tiproxy `tiproxy-api` (v1.4.0+), dm-master `dm-master-peer` and dm-worker `dm-worker` (v1.2.0+).

use crate::checks::operator::{OperatorVersion, Version};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    /// TidbMonitor has `spec.thanos`.
    ThanosSpec,
    /// `spec.thanos.securityContext` (MonitorContainer.SecurityContext).
    ThanosSecurityContext,
    /// The PD peer Service names its ports `tcp-peer-2380`/`tcp-peer-2379` and so exposes the client (metrics)
    /// port; before, it had only `peer` 2380.
    PdPeerServiceClientPort,
    /// The TiFlash peer Service has `metrics` 8234 and `proxy-metrics` 20292; before, only `tiflash` 3930 and
    /// `proxy` 20170.
    TiflashPeerServiceMetricsPorts,
    /// The operator configures TiProxy's `security.server-tls` (the TiDB server certificate) when
    /// `spec.tidb.tlsClient.enabled`; TiProxy before v0.2.0 serves its HTTP API (metrics) with it.
    TiproxyServerTls,
    /// The operator configures `security.server-http-tls`, which TiProxy v0.2.0+ serves its HTTP API with,
    /// when `spec.tlsCluster.enabled` or `spec.tidb.tlsClient.enabled`.
    TiproxyServerHttpTls,
    /// `spec.tiproxy.certLayout: v1`: `security.server-http-tls` is always configured (the cluster certificate).
    TiproxyCertLayoutV1,
}

pub struct Row {
    pub fact: Fact,
    /// The first release with the fact.
    pub since: Version,
    /// What the scaffold assumes when no operator version is known: the choice every operator accepts for
    /// fields a strict apply would refuse, the current releases' behaviour for names and schemes (which have
    /// no choice valid on every release).
    pub when_unknown: bool,
    /// The code the fact follows.
    pub code: &'static str,
}

pub const FACTS: &[Row] = &[
    Row {
        fact: Fact::ThanosSpec,
        since: Version::new(1, 2, 0),
        when_unknown: true,
        code: "pkg/apis/pingcap/v1alpha1/tidbmonitor_types.go TidbMonitorSpec.Thanos (absent in v1.1.15)",
    },
    Row {
        fact: Fact::ThanosSecurityContext,
        since: Version::new(1, 6, 6),
        when_unknown: false,
        code: "tidbmonitor_types.go MonitorContainer.SecurityContext, #6858 (cherry-pick of #6404); \
               manifests/crd/v1/pingcap.com_tidbmonitors.yaml of v1.6.5 has no spec.thanos.securityContext",
    },
    Row {
        fact: Fact::PdPeerServiceClientPort,
        since: Version::new(1, 3, 2),
        when_unknown: true,
        code: "pkg/manager/member/pd_member_manager.go getNewPDHeadlessServiceForTidbCluster, #4462 \
               (cherry-pick of #4445); v1.3.1 has only port `peer` 2380",
    },
    Row {
        fact: Fact::TiflashPeerServiceMetricsPorts,
        since: Version::new(1, 4, 0),
        when_unknown: true,
        code: "pkg/manager/member/tiflash_member_manager.go getNewHeadlessService, #4470; v1.3.10 has only \
               `tiflash` 3930 and `proxy` 20170",
    },
    Row {
        fact: Fact::TiproxyServerTls,
        since: Version::new(1, 5, 0),
        when_unknown: true,
        code: "pkg/manager/member/tiproxy_member_manager.go syncConfigMap (security.server-tls when \
               spec.tidb.tlsClient.enabled); v1.4.x's config template never fills server-tls",
    },
    Row {
        fact: Fact::TiproxyServerHttpTls,
        since: Version::new(1, 6, 0),
        when_unknown: true,
        code: "tiproxy_member_manager.go modifyConfigMapForTLSLegacy (security.server-http-tls when \
               tlsCluster or tidb.tlsClient), #5389",
    },
    Row {
        fact: Fact::TiproxyCertLayoutV1,
        since: Version::new(1, 6, 1),
        when_unknown: true,
        code: "tiproxy_member_manager.go modifyConfigMapForTLSV1 (security.server-http-tls always), #5825",
    },
];

fn row(fact: Fact) -> &'static Row {
    FACTS
        .iter()
        .find(|r| r.fact == fact)
        .expect("every fact has a row")
}

/// The first TiProxy release that serves its HTTP API with `security.server-http-tls` instead of
/// `security.server-tls` (pingcap/tiproxy pkg/server/api/server.go, #403).
pub const TIPROXY_HTTP_TLS_SINCE: Version = Version::new(0, 2, 0);

/// The tidb-operator the generated objects are meant for.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub operator: OperatorVersion,
}

impl Default for Target {
    fn default() -> Self {
        Target {
            operator: OperatorVersion::Unknown,
        }
    }
}

impl Target {
    pub fn new(operator: OperatorVersion) -> Target {
        Target { operator }
    }

    pub fn version(&self) -> Option<Version> {
        self.operator.version()
    }

    /// Whether the fact holds for the target operator (`when_unknown` without a version). Pre-releases count
    /// as their release (`Version` ignores the suffix): v1.7.0-alpha.1–10, which lack
    /// spec.thanos.securityContext, are taken as v1.7.0.
    pub fn has(&self, fact: Fact) -> bool {
        let row = row(fact);
        match self.version() {
            Some(version) => version >= row.since,
            None => row.when_unknown,
        }
    }

    /// The first release with the fact, for messages.
    pub fn since(fact: Fact) -> Version {
        row(fact).since
    }

    /// The governing Service's port name a ServiceMonitor keeps for a metrics port: the facts table
    /// (`naming::v1::COMPONENTS`) names the current ports; older operators named some differently.
    pub fn service_port(&self, component: &str, current: &'static str) -> &'static str {
        match (component, current) {
            ("pd" | "tso" | "scheduling", "tcp-peer-2379")
                if !self.has(Fact::PdPeerServiceClientPort) =>
            {
                // The address is rebuilt from the port annotation: any port of the peer Service finds the pods.
                "peer"
            }
            ("tiflash", "metrics") if !self.has(Fact::TiflashPeerServiceMetricsPorts) => "tiflash",
            ("tiflash", "proxy-metrics") if !self.has(Fact::TiflashPeerServiceMetricsPorts) => {
                "proxy"
            }
            _ => current,
        }
    }

    /// Whether TiProxy's HTTP API (metrics) speaks HTTPS. `tiproxy_version` is `spec.tiproxy.version` when it
    /// parses; without it the TiProxy is taken as v0.2.0 or newer (every release since January 2024).
    pub fn tiproxy_serves_https(
        &self,
        tls_cluster: bool,
        tidb_tls_client: bool,
        cert_layout_v1: bool,
        tiproxy_version: Option<Version>,
    ) -> bool {
        if tiproxy_version.is_some_and(|v| v < TIPROXY_HTTP_TLS_SINCE) {
            // An old TiProxy listens with server-tls, which the operator fills from the TiDB server certificate.
            return tidb_tls_client && self.has(Fact::TiproxyServerTls);
        }
        if cert_layout_v1 && self.has(Fact::TiproxyCertLayoutV1) {
            return true;
        }
        self.has(Fact::TiproxyServerHttpTls) && (tls_cluster || tidb_tls_client)
    }

    /// A line for the YAML header: which operator the output is for and what was assumed.
    pub fn describe(&self) -> String {
        match self.version() {
            Some(_) => format!("for {}", self.operator.describe()),
            None => "for an unknown tidb-operator version".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Target {
        Target::new(OperatorVersion::Flag {
            version: text.parse().unwrap(),
        })
    }

    #[test]
    fn thanos_security_context_only_from_v1_6_6_and_not_when_unknown() {
        assert!(!at("v1.6.5").has(Fact::ThanosSecurityContext));
        assert!(at("v1.6.6").has(Fact::ThanosSecurityContext));
        assert!(!Target::default().has(Fact::ThanosSecurityContext));
        assert!(!at("v1.1.15").has(Fact::ThanosSpec));
    }

    #[test]
    fn service_ports_follow_the_release() {
        assert_eq!(at("v1.3.1").service_port("pd", "tcp-peer-2379"), "peer");
        assert_eq!(
            at("v1.3.2").service_port("pd", "tcp-peer-2379"),
            "tcp-peer-2379"
        );
        assert_eq!(at("v1.3.10").service_port("tiflash", "metrics"), "tiflash");
        assert_eq!(
            at("v1.3.10").service_port("tiflash", "proxy-metrics"),
            "proxy"
        );
        assert_eq!(at("v1.4.0").service_port("tiflash", "metrics"), "metrics");
        assert_eq!(
            Target::default().service_port("pd", "tcp-peer-2379"),
            "tcp-peer-2379"
        );
        assert_eq!(at("v1.2.0").service_port("tikv", "peer"), "peer");
    }

    #[test]
    fn tiproxy_scheme_follows_operator_tiproxy_and_tls() {
        let v020 = Some(Version::new(0, 2, 0));
        let v012 = Some(Version::new(0, 1, 2));
        // v1.6: cluster TLS or TiDB client TLS.
        assert!(at("v1.6.6").tiproxy_serves_https(false, true, false, None));
        assert!(at("v1.6.6").tiproxy_serves_https(true, false, false, v020));
        assert!(!at("v1.6.6").tiproxy_serves_https(false, false, false, None));
        assert!(at("v1.6.1").tiproxy_serves_https(false, false, true, None));
        assert!(!at("v1.6.0").tiproxy_serves_https(false, false, true, None));
        // An old TiProxy listens with server-tls: TiDB client TLS only.
        assert!(!at("v1.6.6").tiproxy_serves_https(true, false, false, v012));
        assert!(at("v1.5.0").tiproxy_serves_https(false, true, false, v012));
        // v1.5 never configures server-http-tls; v1.4 no server TLS at all.
        assert!(!at("v1.5.5").tiproxy_serves_https(true, true, false, v020));
        assert!(!at("v1.4.7").tiproxy_serves_https(true, true, false, v012));
        assert!(Target::default().tiproxy_serves_https(true, false, false, None));
    }
}
