//! Which tidb-operator runs: several rules depend on it (per-cluster TLS since v1.2.0, the clusterScoped RBAC
//! bug of v1.3.0–v1.6.0). Read from the controller Deployment's image tag, else `--operator-version`.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::naming;
use crate::snapshot::Snapshot;

/// A `vMAJOR.MINOR.PATCH` version; pre-release suffixes are ignored for ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    pub const fn new(major: u64, minor: u64, patch: u64) -> Version {
        Version {
            major,
            minor,
            patch,
        }
    }
}

impl FromStr for Version {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{text:?} is not a version like v1.6.1");
        let core = text.trim().trim_start_matches('v');
        let core = core.split(['-', '+']).next().unwrap_or("");
        let mut parts = core.split('.');
        let mut next =
            || -> Result<u64, String> { parts.next().ok_or_else(bad)?.parse().map_err(|_| bad()) };
        let version = Version {
            major: next()?,
            minor: next()?,
            patch: next().unwrap_or(0),
        };
        Ok(version)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Serialised as its text (`v1.6.6`), so described as a string.
impl schemars::JsonSchema for Version {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Version".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "pattern": "^v[0-9]+\\.[0-9]+\\.[0-9]+"})
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// Strict semver as Prometheus versions must be when remoteWrite is used (`v2.27.1`, `2.27.1-rc.0`).
pub fn is_semver(text: &str) -> bool {
    let core = text.strip_prefix('v').unwrap_or(text);
    let (core, _) = core.split_once(['-', '+']).unwrap_or((core, ""));
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", tag = "from")]
pub enum OperatorVersion {
    /// From the image of a tidb-controller-manager Deployment.
    Detected {
        version: Version,
        deployment: String,
        image: String,
    },
    /// From `--operator-version`.
    Flag { version: Version },
    /// Not readable: rules assume a current operator and say so.
    Unknown,
}

impl OperatorVersion {
    pub fn version(&self) -> Option<Version> {
        match self {
            OperatorVersion::Detected { version, .. } | OperatorVersion::Flag { version } => {
                Some(*version)
            }
            OperatorVersion::Unknown => None,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            OperatorVersion::Detected {
                version,
                deployment,
                ..
            } => format!("tidb-operator {version} (from {deployment})"),
            OperatorVersion::Flag { version } => {
                format!("tidb-operator {version} (from --operator-version)")
            }
            OperatorVersion::Unknown => "tidb-operator version unknown".to_string(),
        }
    }
}

/// The tag of `repo[:tag][@digest]`, wherever the image is mirrored.
pub fn image_tag(image: &str) -> Option<&str> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split_once(':').map(|(_, tag)| tag)
}

/// The version of the operator the snapshot shows, the flag winning over detection (the user knows best).
pub fn operator_version(snapshot: &Snapshot, flag: Option<Version>) -> OperatorVersion {
    if let Some(version) = flag {
        return OperatorVersion::Flag { version };
    }
    for deployment in &snapshot.deployments {
        let m = &deployment.metadata;
        let is_operator = m.name == naming::OPERATOR_DEPLOYMENT
            || (m.labels.get("app.kubernetes.io/name").map(String::as_str)
                == Some("tidb-operator")
                && m.labels
                    .get("app.kubernetes.io/component")
                    .map(String::as_str)
                    == Some("controller-manager"));
        if !is_operator {
            continue;
        }
        let containers = &deployment.spec.template.spec.containers;
        let container = containers
            .iter()
            .find(|c| c.name == naming::OPERATOR_DEPLOYMENT)
            .or(containers.first());
        if let Some(container) = container
            && let Some(version) = image_tag(&container.image).and_then(|t| t.parse().ok())
        {
            return OperatorVersion::Detected {
                version,
                deployment: format!("{}/{}", m.namespace(), m.name),
                image: container.image.clone(),
            };
        }
    }
    OperatorVersion::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions_and_tags() {
        assert_eq!("v1.6.1".parse::<Version>().unwrap(), Version::new(1, 6, 1));
        assert_eq!("1.2".parse::<Version>().unwrap(), Version::new(1, 2, 0));
        assert!("latest".parse::<Version>().is_err());
        assert_eq!(
            image_tag("registry.cn-beijing.aliyuncs.com/tidb/tidb-operator:v1.5.2"),
            Some("v1.5.2")
        );
        assert_eq!(image_tag("localhost:5000/pingcap/tidb-operator"), None);
        assert_eq!(
            image_tag("pingcap/tidb-operator:v1.6.0@sha256:abc"),
            Some("v1.6.0")
        );
        assert!(is_semver("v2.27.1") && is_semver("2.27.1-rc.0"));
        assert!(!is_semver("latest") && !is_semver("v2.27") && !is_semver("v2.27.x"));
    }
}
