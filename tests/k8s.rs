//! gen-site where the benchmarks run: the static binary the container image holds (Containerfile), the
//! Kubernetes manifests (k8s/) rendered by kustomize and read back, the analysis Job's own command run with
//! the static binary on folders laid out as the Job's volumes, the image itself where a container engine
//! answers, and the CI workflow users copy (examples/github-actions/).
//!
//! Needs Rust's x86_64-unknown-linux-musl target and kubectl (or kustomize); .ci/run installs both. Fails,
//! saying what to install, when either is missing. Only the image test skips, saying so, when no container
//! engine answers.

mod support;

use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use support::*;

const MUSL: &str = "x86_64-unknown-linux-musl";
const ANALYSIS_JOB: &str = "compare-benchmark-analysis";
const NAMESPACE: &str = "llm-d-benchmark";
/// The issue's bound on the image; the image is the binary and a few bytes of metadata.
const MAX_IMAGE_BYTES: u64 = 15 * 1000 * 1000;

// ---------------------------------------------------------------------------------------------------
// The static binary

/// gen-site built as the Containerfile builds it (release, musl, static), once per test run.
fn static_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(build_static_binary)
}

fn build_static_binary() -> PathBuf {
    let libdir = Command::new("rustc").args(["--print", "target-libdir", "--target", MUSL]).output();
    let installed = libdir.as_ref().is_ok_and(|o| {
        o.status.success()
            && fs::read_dir(String::from_utf8_lossy(&o.stdout).trim())
                .is_ok_and(|mut d| d.any(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with("libstd-"))))
    });
    assert!(
        installed,
        "the static build needs Rust's {MUSL} target, which is not installed: run `rustup target add {MUSL}` \
         (.ci/run does, and installs Debian's musl-tools)"
    );
    // The default target directory, shared with the other builds: the viewer (target/viewer) and the
    // host's build scripts are then built once.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .current_dir(repo())
        .args(["build", "--release", "--target", MUSL, "-p", "gen-site", "--bin", "gen-site"])
        .arg("--message-format=json-render-diagnostics")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo build --release --target {MUSL} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let executable = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "gen-site")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo reported gen-site's executable");
    assert!(executable.components().any(|c| c.as_os_str() == MUSL), "{}", executable.display());
    executable
}

/// The ELF file's program headers and its dynamic section's tags: what `ldd` reads.
struct Elf {
    machine: u16,
    program_types: Vec<u32>,
    dynamic_tags: Vec<i64>,
}

fn read_elf(bytes: &[u8]) -> Elf {
    assert_eq!(&bytes[..4], b"\x7fELF", "not an ELF file");
    assert_eq!((bytes[4], bytes[5]), (2, 1), "not a 64-bit little-endian ELF file");
    let u16_at = |at: usize| u16::from_le_bytes(bytes[at..at + 2].try_into().unwrap());
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
    let (phoff, phentsize, phnum) = (u64_at(0x20), u16_at(0x36) as usize, u16_at(0x38) as usize);
    let mut elf = Elf { machine: u16_at(0x12), program_types: Vec::new(), dynamic_tags: Vec::new() };
    for header in (0..phnum).map(|i| phoff + i * phentsize) {
        let kind = u32_at(header);
        elf.program_types.push(kind);
        if kind == 2 {
            // PT_DYNAMIC: (tag, value) pairs of 8 bytes each.
            let (offset, size) = (u64_at(header + 8), u64_at(header + 32));
            elf.dynamic_tags.extend((offset..offset + size).step_by(16).map(|at| u64_at(at) as i64));
        }
    }
    elf
}

#[test]
fn static_binary_needs_no_libc_and_runs_on_the_example() {
    let binary = static_binary();
    let elf = read_elf(&fs::read(binary).unwrap());
    assert_eq!(elf.machine, 0x3e, "not x86-64");
    // No program interpreter (PT_INTERP = 3) and no shared library needed (DT_NEEDED = 1): it runs in an
    // image that holds nothing else (`ldd` calls this "statically linked").
    assert!(!elf.program_types.contains(&3), "{} asks for a dynamic loader", binary.display());
    assert!(!elf.dynamic_tags.contains(&1), "{} needs shared libraries", binary.display());
    let size = fs::metadata(binary).unwrap().len();
    assert!(
        size < MAX_IMAGE_BYTES,
        "{} is {size} bytes, the image must stay under {MAX_IMAGE_BYTES}",
        binary.display()
    );
    writeln!(std::io::stderr(), "static gen-site: {} ({size} bytes, before strip)", binary.display()).unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let output =
        Command::new(binary).current_dir(tmp.path()).args([example().to_str().unwrap(), "-o", "out"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let summary = read_json(&tmp.path().join("out/summary.json"));
    assert_eq!(summary["runs"].as_array().unwrap().len(), 6);
    assert_eq!(summary["total_requests"], 1200);
    for file in ["index.html", "data.js", "viewer-wasm.js", "README.md", "plots/qps_comparison.png"] {
        assert!(tmp.path().join("out").join(file).is_file(), "no {file}");
    }
}

// ---------------------------------------------------------------------------------------------------
// The manifests

/// `kubectl kustomize DIR` (or `kustomize build DIR`), as JSON values, one per object.
fn kustomize(dir: &str) -> Vec<Value> {
    let path = repo().join(dir);
    let attempts: [(&str, &[&str]); 2] = [("kubectl", &["kustomize"]), ("kustomize", &["build"])];
    let mut tried = Vec::new();
    for (tool, args) in attempts {
        match Command::new(tool).args(args).arg(&path).output() {
            Ok(output) => {
                assert!(output.status.success(), "`{tool} {} {dir}` failed:\n{}", args.join(" "), stderr(&output));
                return parse_yaml_stream(&stdout(&output));
            }
            Err(e) => tried.push(format!("{tool}: {e}")),
        }
    }
    panic!(
        "the manifest tests need kubectl (or kustomize) to render k8s/, and neither runs ({}); install \
         kubectl (Debian: apt-get install kubernetes-client, which .ci/run does when kubectl is missing)",
        tried.join("; ")
    );
}

fn parse_yaml_stream(text: &str) -> Vec<Value> {
    let mut documents = vec![String::new()];
    for line in text.lines() {
        if line == "---" {
            documents.push(String::new());
        } else {
            let current = documents.last_mut().unwrap();
            current.push_str(line);
            current.push('\n');
        }
    }
    documents
        .iter()
        .filter(|d| !d.trim().is_empty())
        .map(|d| serde_yaml::from_str::<Value>(d).unwrap_or_else(|e| panic!("{e}:\n{d}")))
        .collect()
}

fn rendered() -> &'static [Value] {
    static OBJECTS: OnceLock<Vec<Value>> = OnceLock::new();
    OBJECTS.get_or_init(|| kustomize("k8s"))
}

fn rendered_retriever() -> &'static [Value] {
    static OBJECTS: OnceLock<Vec<Value>> = OnceLock::new();
    OBJECTS.get_or_init(|| kustomize("k8s/retriever"))
}

fn find<'a>(objects: &'a [Value], kind: &str, name: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name} in the rendered manifests"))
}

fn names<'a>(objects: &'a [Value], kind: &str) -> BTreeSet<&'a str> {
    objects.iter().filter(|o| o["kind"] == kind).map(|o| o["metadata"]["name"].as_str().unwrap()).collect()
}

fn strings(value: &Value) -> Vec<&str> {
    value.as_array().map(|a| a.iter().map(|s| s.as_str().unwrap()).collect()).unwrap_or_default()
}

fn pod_spec(object: &Value) -> &Value {
    match object["kind"].as_str().unwrap() {
        "Pod" => &object["spec"],
        _ => &object["spec"]["template"]["spec"],
    }
}

fn the_container(object: &Value) -> &Value {
    let containers = pod_spec(object)["containers"].as_array().unwrap();
    assert_eq!(containers.len(), 1, "{}: one container expected", object["metadata"]["name"]);
    &containers[0]
}

/// A container's mounts as (mount path, PVC claim name, read-only at both the mount and the claim).
fn pvc_mounts<'a>(object: &'a Value, container: &'a Value) -> Vec<(&'a str, &'a str, bool)> {
    let volumes = pod_spec(object)["volumes"].as_array().unwrap();
    strings_of_mounts(container)
        .into_iter()
        .filter_map(|mount| {
            let volume = volumes.iter().find(|v| v["name"] == mount["name"]).expect("every mount has its volume");
            let claim = &volume["persistentVolumeClaim"];
            claim["claimName"].as_str().map(|name| {
                let read_only = mount["readOnly"] == true;
                // A read-only mount of a writable claim would still let kubelet change the volume's
                // ownership (fsGroup); both must say so.
                assert_eq!(read_only, claim["readOnly"] == true, "{name}: readOnly differs between mount and claim");
                (mount["mountPath"].as_str().unwrap(), name, read_only)
            })
        })
        .collect()
}

fn strings_of_mounts(container: &Value) -> Vec<&Value> {
    container["volumeMounts"].as_array().map(|a| a.iter().collect()).unwrap_or_default()
}

/// Kubernetes quantity in bytes (binary and decimal suffixes) or cores (m).
fn quantity(value: &Value) -> f64 {
    let text = value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string());
    let units =
        [("Ki", 1024f64), ("Mi", 1024f64.powi(2)), ("Gi", 1024f64.powi(3)), ("m", 0.001), ("M", 1e6), ("G", 1e9)];
    for (suffix, factor) in units {
        if let Some(number) = text.strip_suffix(suffix) {
            return number.parse::<f64>().unwrap() * factor;
        }
    }
    text.parse().unwrap()
}

/// The final stage of the Containerfile: its ENTRYPOINT, USER and the stage's base.
struct ImageSpec {
    build_stage: String,
    final_from: String,
    entrypoint: Vec<String>,
    user: String,
    copies: Vec<String>,
}

fn containerfile() -> ImageSpec {
    let text = fs::read_to_string(repo().join("Containerfile")).unwrap();
    let joined = text.replace("\\\n", " ");
    let instructions: Vec<&str> =
        joined.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    let last_from = instructions.iter().rposition(|l| l.starts_with("FROM ")).expect("a FROM");
    let final_stage = &instructions[last_from..];
    let argument = |keyword: &str| {
        final_stage.iter().rev().find_map(|l| l.strip_prefix(keyword)).map(|s| s.trim().to_string()).unwrap_or_default()
    };
    ImageSpec {
        build_stage: instructions[..last_from].join("\n"),
        final_from: final_stage[0]["FROM ".len()..].trim().to_string(),
        entrypoint: serde_json::from_str(&argument("ENTRYPOINT ")).expect("ENTRYPOINT in exec form"),
        user: argument("USER "),
        copies: final_stage.iter().filter(|l| l.starts_with("COPY ")).map(|l| l.to_string()).collect(),
    }
}

#[test]
fn manifests_render_every_object_of_the_flow() {
    let objects = rendered();
    for object in objects.iter().chain(rendered_retriever()) {
        let namespace =
            if object["kind"] == "Namespace" { &object["metadata"]["name"] } else { &object["metadata"]["namespace"] };
        assert_eq!(namespace, NAMESPACE, "{} {}", object["kind"], object["metadata"]["name"]);
    }
    assert_eq!(names(objects, "Namespace"), BTreeSet::from([NAMESPACE]));
    assert_eq!(
        names(objects, "PersistentVolumeClaim"),
        BTreeSet::from(["standalone-results-pvc", "llm-d-results-pvc", "analysis-results-pvc"])
    );
    assert_eq!(
        names(objects, "Job"),
        BTreeSet::from(["standalone-benchmark-run", "llm-d-benchmark-run", ANALYSIS_JOB, "start-benchmark-analysis"])
    );
    assert_eq!(names(rendered_retriever(), "Pod"), BTreeSet::from(["results-retriever"]));

    // Every reference resolves: service accounts, config maps, claims, roles.
    let accounts = names(objects, "ServiceAccount");
    let config_maps = names(objects, "ConfigMap");
    let claims = names(objects, "PersistentVolumeClaim");
    for object in
        objects.iter().chain(rendered_retriever()).filter(|o| matches!(o["kind"].as_str(), Some("Job" | "Pod")))
    {
        let spec = pod_spec(object);
        let name = object["metadata"]["name"].as_str().unwrap();
        assert_eq!(spec["restartPolicy"], "Never", "{name}");
        if let Some(account) = spec["serviceAccountName"].as_str() {
            assert!(accounts.contains(account), "{name}: no service account {account}");
        } else {
            assert_eq!(spec["automountServiceAccountToken"], false, "{name} needs no API access, so no token");
        }
        if object["kind"] == "Job" {
            assert_eq!(object["spec"]["backoffLimit"], 0, "{name}");
        }
        for volume in spec["volumes"].as_array().unwrap() {
            if let Some(map) = volume["configMap"]["name"].as_str() {
                assert!(config_maps.contains(map), "{name}: no ConfigMap {map}");
            }
            if let Some(claim) = volume["persistentVolumeClaim"]["claimName"].as_str() {
                assert!(claims.contains(claim), "{name}: no PVC {claim}");
            }
        }
        for container in
            spec["containers"].as_array().unwrap().iter().chain(spec["initContainers"].as_array().into_iter().flatten())
        {
            for source in container["envFrom"].as_array().into_iter().flatten() {
                let map = source["configMapRef"]["name"].as_str().unwrap();
                assert!(config_maps.contains(map), "{name}: no ConfigMap {map}");
            }
            let security = &container["securityContext"];
            assert_eq!(security["allowPrivilegeEscalation"], false, "{name}");
            assert_eq!(strings(&security["capabilities"]["drop"]), ["ALL"], "{name}");
            assert!(security["capabilities"]["add"].is_null(), "{name}");
            let seccomp = [&security["seccompProfile"]["type"], &spec["securityContext"]["seccompProfile"]["type"]];
            assert!(seccomp.contains(&&Value::from("RuntimeDefault")), "{name}");
        }
    }
    for binding in objects.iter().filter(|o| o["kind"] == "RoleBinding") {
        assert!(names(objects, "Role").contains(binding["roleRef"]["name"].as_str().unwrap()));
        for subject in binding["subjects"].as_array().unwrap() {
            assert!(accounts.contains(subject["name"].as_str().unwrap()));
            assert_eq!(subject["namespace"], NAMESPACE);
        }
    }

    // Each benchmark Job writes to its own volume, and its harness is told that volume's name.
    let workloads = &find(objects, "ConfigMap", "benchmark-workload-config")["data"];
    for (job, claim, env) in [
        ("standalone-benchmark-run", "standalone-results-pvc", "standalone-benchmark-env"),
        ("llm-d-benchmark-run", "llm-d-results-pvc", "llm-d-benchmark-env"),
    ] {
        let job = find(objects, "Job", job);
        let container = the_container(job);
        assert_eq!(container["image"], "quay.io/sallyom/llm-d-benchmark:quickstart");
        assert_eq!(container["envFrom"][0]["configMapRef"]["name"], env);
        assert_eq!(pvc_mounts(job, container), [("/requests", claim, false)]);
        let script = strings(&container["args"]).join(" ");
        let workload_file = script.split_whitespace().find(|w| w.starts_with("/workspace/config/")).unwrap();
        let workload: Value =
            serde_yaml::from_str(workloads[&workload_file["/workspace/config/".len()..]].as_str().unwrap()).unwrap();
        assert_eq!(workload["pvc_name"], claim);
        assert_eq!(workload["service_account"], pod_spec(job)["serviceAccountName"]);
        let settings = &find(objects, "ConfigMap", env)["data"];
        assert_eq!(settings["LLMDBENCH_FMPERF_NAMESPACE"], NAMESPACE);
        assert_eq!(settings["LLMDBENCH_HARNESS_RESULTS_DIR"], "/requests");
        assert!(settings["LLMDBENCH_HARNESS_ENDPOINT_URL"].as_str().unwrap().starts_with("http"));
    }
}

#[test]
fn analysis_job_runs_gen_site_locked_down() {
    let objects = rendered();
    let job = find(objects, "Job", ANALYSIS_JOB);
    let spec = pod_spec(job);
    let container = the_container(job);

    // The image's own entrypoint, from the image kustomize was told to use.
    let image = containerfile();
    assert_eq!(strings(&container["command"]), image.entrypoint);
    let kustomization: Value =
        serde_yaml::from_str(&fs::read_to_string(repo().join("k8s/kustomization.yaml")).unwrap()).unwrap();
    let entry =
        kustomization["images"].as_array().unwrap().iter().find(|i| i["name"] == "gen-site").expect("images: gen-site");
    assert_eq!(
        container["image"],
        format!("{}:{}", entry["newName"].as_str().unwrap(), entry["newTag"].as_str().unwrap())
    );
    assert!(container["workingDir"].is_null());

    // gen-site RESULTS -o OUT: the results are the read-only mounts, the output lies on the one writable one.
    let args = strings(&container["args"]);
    assert_eq!(args, ["/requests", "-o", "/out/report"]);
    let (results, out) = (Path::new(args[0]), Path::new(args[2]));
    let mounts = pvc_mounts(job, container);
    assert_eq!(mounts.len(), strings_of_mounts(container).len(), "only volumes from claims");
    let read_only: Vec<_> = mounts.iter().filter(|m| m.2).collect();
    let writable: Vec<_> = mounts.iter().filter(|m| !m.2).collect();
    assert_eq!(
        read_only.iter().map(|m| (m.0, m.1)).collect::<Vec<_>>(),
        [("/requests/standalone", "standalone-results-pvc"), ("/requests/llm-d", "llm-d-results-pvc")]
    );
    assert!(read_only.iter().all(|m| Path::new(m.0).parent() == Some(results)));
    assert_eq!(writable.iter().map(|m| (m.0, m.1)).collect::<Vec<_>>(), [("/out", "analysis-results-pvc")]);
    assert!(out.starts_with(writable[0].0) && out != Path::new(writable[0].0), "a sub-folder of the volume");
    assert!(!Path::new(writable[0].0).starts_with(results), "the output is not read back");

    // Non-root, read-only root file system, no privilege, no capability, default seccomp, no token.
    let pod_security = &spec["securityContext"];
    assert_eq!(pod_security["runAsNonRoot"], true);
    let uid = pod_security["runAsUser"].as_u64().unwrap();
    assert!(uid > 0 && pod_security["runAsGroup"].as_u64().unwrap() > 0);
    assert_eq!(image.user, format!("{uid}:{uid}"), "the image's user and the Job's agree");
    assert_eq!(pod_security["fsGroup"].as_u64(), Some(uid), "the report volume is writable for the user");
    assert_eq!(pod_security["seccompProfile"]["type"], "RuntimeDefault");
    let security = &container["securityContext"];
    assert_eq!(security["runAsNonRoot"], true);
    assert_eq!(security["readOnlyRootFilesystem"], true);
    assert_eq!(security["allowPrivilegeEscalation"], false);
    assert_eq!(security["privileged"], false);
    assert_eq!(strings(&security["capabilities"]["drop"]), ["ALL"]);
    assert_eq!(security["seccompProfile"]["type"], "RuntimeDefault");
    assert_eq!(spec["automountServiceAccountToken"], false);
    assert!(spec["initContainers"].is_null() && spec["hostNetwork"].is_null() && spec["hostPID"].is_null());

    // Run once, never retried; suspended until the benchmarks are done.
    assert_eq!(spec["restartPolicy"], "Never");
    assert_eq!(job["spec"]["backoffLimit"], 0);
    assert_eq!(job["spec"]["suspend"], true);

    // Resources sized for 10M requests: ~110 MiB and ~0.6 s per 1M requests (README, Performance).
    let resources = &container["resources"];
    for key in ["cpu", "memory"] {
        assert!(quantity(&resources["requests"][key]) <= quantity(&resources["limits"][key]), "{key}");
    }
    let peak_for_10m = 10.0 * 110.0 * 1024.0 * 1024.0;
    assert!(
        quantity(&resources["limits"]["memory"]) >= 1.5 * peak_for_10m,
        "memory limit below 1.5x the 10M-request peak"
    );
    assert!(quantity(&resources["requests"]["memory"]) >= 0.8 * peak_for_10m);
    assert!(quantity(&resources["limits"]["cpu"]) >= 1.0);

    // The starter waits for exactly the benchmark Jobs, then resumes this Job, and may patch nothing else.
    let starter = find(objects, "Job", "start-benchmark-analysis");
    let starter_spec = pod_spec(starter);
    let wait = &starter_spec["initContainers"][0];
    let wait_args = strings(&wait["args"]);
    assert_eq!(&wait_args[..2], ["wait", "--for=condition=complete"]);
    let waited: BTreeSet<&str> = wait_args.iter().filter_map(|a| a.strip_prefix("job/")).collect();
    assert_eq!(waited, BTreeSet::from(["standalone-benchmark-run", "llm-d-benchmark-run"]));
    let resume = strings(&the_container(starter)["args"]);
    assert_eq!(resume[..2], ["patch", &format!("job/{ANALYSIS_JOB}")]);
    assert!(resume.contains(&r#"--patch={"spec":{"suspend":false}}"#));
    assert!(starter_spec["volumes"].as_array().unwrap().iter().all(|v| v["persistentVolumeClaim"].is_null()));
    let role = find(objects, "Role", starter_spec["serviceAccountName"].as_str().unwrap());
    for rule in role["rules"].as_array().unwrap() {
        let verbs = strings(&rule["verbs"]);
        assert!(!verbs.contains(&"*") && !strings(&rule["resources"]).contains(&"*"));
        if verbs.iter().any(|v| !["get", "list", "watch"].contains(v)) {
            assert_eq!(verbs, ["patch"]);
            assert_eq!(strings(&rule["resourceNames"]), [ANALYSIS_JOB]);
        }
    }

    // The retriever sees the three volumes read-only where `kubectl cp .../requests/` expects them.
    let retriever = find(rendered_retriever(), "Pod", "results-retriever");
    let container = the_container(retriever);
    assert_eq!(strings(&container["command"]), ["sleep", "86400"]);
    assert_eq!(
        pvc_mounts(retriever, container),
        [
            ("/requests/standalone", "standalone-results-pvc", true),
            ("/requests/llm-d", "llm-d-results-pvc", true),
            ("/requests/analysis", "analysis-results-pvc", true)
        ]
    );
    assert_eq!(pod_spec(retriever)["securityContext"]["runAsNonRoot"], true);
    assert_eq!(container["securityContext"]["readOnlyRootFilesystem"], true);
}

// ---------------------------------------------------------------------------------------------------
// The analysis Job's command, run

/// Restores write permission under a folder when dropped, so that the temporary folder can be removed.
struct Writable<'a>(&'a Path);

impl Drop for Writable<'_> {
    fn drop(&mut self) {
        let mut stack = vec![self.0.to_path_buf()];
        while let Some(path) = stack.pop() {
            let Ok(metadata) = fs::symlink_metadata(&path) else { continue };
            let _ = fs::set_permissions(&path, fs::Permissions::from_mode(metadata.mode() | 0o700));
            if metadata.is_dir() {
                stack.extend(fs::read_dir(&path).into_iter().flatten().flatten().map(|e| e.path()));
            }
        }
    }
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        } else {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// Makes everything under `root` read-only (folders 0555, files 0444), as a read-only mount is.
fn make_read_only(root: &Path) {
    for entry in fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().unwrap() != "lost+found" {
                make_read_only(&path);
            }
        } else {
            fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
        }
    }
    fs::set_permissions(root, fs::Permissions::from_mode(0o555)).unwrap();
}

/// A fresh ext4 volume's root holds lost+found, which only root may read.
fn add_lost_and_found(volume: &Path) {
    let folder = volume.join("lost+found");
    fs::create_dir_all(&folder).unwrap();
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o700)).unwrap();
}

/// Entries owned by `uid` directly in the folders any user may write to.
fn owned_in_shared_folders(uid: u32) -> BTreeSet<PathBuf> {
    ["/tmp", "/var/tmp", "/dev/shm"]
        .iter()
        .flat_map(|folder| fs::read_dir(folder).into_iter().flatten().flatten())
        .filter(|e| e.metadata().is_ok_and(|m| m.uid() == uid))
        .map(|e| e.path())
        .collect()
}

#[test]
fn analysis_job_command_writes_the_report_on_the_job_volumes_only() {
    let job = find(rendered(), "Job", ANALYSIS_JOB);
    let spec = pod_spec(job);
    let container = the_container(job);
    let uid = spec["securityContext"]["runAsUser"].as_u64().unwrap() as u32;
    let gid = spec["securityContext"]["runAsGroup"].as_u64().unwrap() as u32;
    let fs_group = spec["securityContext"]["fsGroup"].as_u64().unwrap() as u32;
    // As root, the command runs as the Job's user, for whom read-only means read-only (root may write
    // anywhere); otherwise as the current user, for whom the permissions below hold too.
    let as_root = fs::metadata("/proc/self").unwrap().uid() == 0;
    if !as_root {
        writeln!(std::io::stderr(), "not root: the Job's command runs as the current user, not as uid {uid}").unwrap();
    }

    // The container's file system: the image (the static binary at the entrypoint's path) and the volumes
    // at their mount paths; everything but the writable volume read-only.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let _restore = Writable(tmp.path());
    let map = |path: &str| root.join(path.strip_prefix('/').expect("an absolute path"));
    let command = strings(&container["command"]);
    let binary = map(command[0]);
    fs::create_dir_all(binary.parent().unwrap()).unwrap();
    fs::copy(static_binary(), &binary).unwrap();
    fs::set_permissions(&binary, fs::Permissions::from_mode(0o555)).unwrap();
    let mut writable = None;
    for (mount, claim, read_only) in pvc_mounts(job, container) {
        let volume = map(mount);
        if read_only {
            let contents = match claim {
                "standalone-results-pvc" => "standalone",
                "llm-d-results-pvc" => "llm-d",
                other => panic!("no example data for {other}"),
            };
            // What the harness leaves on a results volume: <stack name>/LMBench_*.csv.
            copy_tree(&example().join(contents), &volume);
            add_lost_and_found(&volume);
            make_read_only(&volume);
        } else {
            add_lost_and_found(&volume);
            // fsGroup: the volume's root belongs to the group, which may write (setgid, as kubelet leaves it).
            if as_root {
                std::os::unix::fs::chown(&volume, Some(0), Some(fs_group)).unwrap();
            }
            fs::set_permissions(&volume, fs::Permissions::from_mode(0o2775)).unwrap();
            writable = Some((mount, volume));
        }
    }
    let (writable_mount, writable_volume) = writable.expect("a writable volume");
    for folder in
        [binary.parent().unwrap(), Path::new("usr/local"), Path::new("usr"), Path::new("requests"), Path::new("")]
    {
        let folder = if folder.is_absolute() { folder.to_path_buf() } else { root.join(folder) };
        fs::set_permissions(&folder, fs::Permissions::from_mode(0o555)).unwrap();
    }
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();

    let outside_writable = |root: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        snapshot(root).into_iter().filter(|(p, _)| !Path::new("/").join(p).starts_with(writable_mount)).collect()
    };
    let before = outside_writable(&root);
    let shared_before = owned_in_shared_folders(uid);

    // The Job's command and arguments exactly, absolute paths mapped into the container's file system;
    // no environment (a scratch image sets none), the working directory the image's root.
    let args: Vec<PathBuf> = strings(&container["args"])
        .iter()
        .map(|a| if a.starts_with('/') { map(a) } else { PathBuf::from(a) })
        .collect();
    let run = || {
        let mut run = Command::new(&binary);
        run.args(&args).current_dir(&root).env_clear();
        if as_root {
            run.uid(uid).gid(gid);
        }
        run.output().unwrap()
    };
    let output = run();
    assert!(output.status.success(), "the analysis Job's command failed:\n{}", stderr(&output));

    let out = map(strings(&container["args"])[2]);
    for file in [
        "index.html",
        "summary.json",
        "README.md",
        "data.js",
        "viewer-wasm.js",
        ".gen-site-output",
        "plots/latency_comparison.png",
    ] {
        assert!(out.join(file).is_file(), "no {file} in the report");
    }
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["baseline"], "standalone/standalone-vllm-llama-3b");
    let deployments: Vec<&str> =
        summary["deployments"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(deployments, ["llm-d/llm-d-llama-3b", "standalone/standalone-vllm-llama-3b"]);
    assert_eq!(summary["runs"].as_array().unwrap().len(), 6);
    assert_eq!(summary["comparisons"].as_array().unwrap().len(), 3);
    // The results volumes' lost+found folders, which the Job's user can't read, are passed over silently
    // (the example's one warning is about its data: a launch rate off the nominal QPS).
    let warnings = summary["warnings"].as_array().unwrap();
    assert!(warnings.iter().all(|w| !w.to_string().contains("lost+found")), "{warnings:?}");
    assert!(warnings.len() <= 1, "{warnings:?}");
    if as_root {
        assert!(fs::metadata(out.join("index.html")).unwrap().uid() == uid);
    }

    // Nothing changed outside the writable volume (the results, the image, the root), nothing was left
    // in the folders any user may write to, and the volume holds the report and what was there before.
    assert_eq!(outside_writable(&root), before, "something outside {writable_mount} changed");
    if as_root {
        assert_eq!(owned_in_shared_folders(uid), shared_before, "the command wrote outside the container's volumes");
    }
    let mut on_volume: Vec<String> = fs::read_dir(&writable_volume)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_volume.sort();
    assert_eq!(on_volume, ["lost+found", "report"]);

    // Running the Job again rewrites its own report.
    let again = run();
    assert!(again.status.success(), "a second run failed:\n{}", stderr(&again));
    assert_eq!(outside_writable(&root), before);
}

// ---------------------------------------------------------------------------------------------------
// The image

#[test]
fn containerfile_builds_a_static_non_root_image_where_an_engine_answers() {
    let image = containerfile();
    assert!(image.build_stage.contains(&format!("rustup target add {MUSL}")), "{}", image.build_stage);
    assert!(image
        .build_stage
        .contains(&format!("cargo build --locked --release --target {MUSL} -p gen-site --bin gen-site")));
    assert_eq!(image.final_from, "scratch", "nothing but the binary in the image");
    assert_eq!(image.copies, [format!("COPY --from=build /gen-site {}", image.entrypoint[0])]);
    let (uid, gid) = image.user.split_once(':').expect("USER uid:gid");
    assert!(uid.parse::<u32>().unwrap() > 0 && gid.parse::<u32>().unwrap() > 0, "a numeric non-root user");

    let mut reasons = Vec::new();
    let engine = ["docker", "podman"].into_iter().find(|engine| match Command::new(engine).arg("info").output() {
        Ok(output) if output.status.success() => true,
        Ok(output) => {
            reasons.push(format!(
                "`{engine} info`: {}",
                stderr(&output).lines().find(|l| !l.trim().is_empty()).unwrap_or("failed")
            ));
            false
        }
        Err(e) => {
            reasons.push(format!("{engine}: {e}"));
            false
        }
    });
    let Some(engine) = engine else {
        writeln!(
            std::io::stderr(),
            "SKIPPED building and running the image: no container engine answers ({})",
            reasons.join("; ")
        )
        .unwrap();
        return;
    };

    let tag = "localhost/gen-site:k8s-test";
    let build = Command::new(engine)
        .current_dir(repo())
        .args(["build", "-f", "Containerfile", "-t", tag, "."])
        .output()
        .unwrap();
    assert!(build.status.success(), "{engine} build failed:\n{}", stderr(&build));
    let inspect = Command::new(engine).args(["image", "inspect", "--format", "{{.Size}}", tag]).output().unwrap();
    let size: u64 = stdout(&inspect).trim().parse().unwrap();
    assert!(size < MAX_IMAGE_BYTES, "the image is {size} bytes");

    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::set_permissions(&out, fs::Permissions::from_mode(0o777)).unwrap();
    let output = Command::new(engine)
        .args(["run", "--rm", "--read-only", "--cap-drop=ALL", "--security-opt=no-new-privileges"])
        .arg(format!("--volume={}:/requests:ro", example().display()))
        .arg(format!("--volume={}:/out", out.display()))
        .args([tag, "/requests", "-o", "/out/report"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{engine} run failed:\n{}", stderr(&output));
    let summary = read_json(&out.join("report/summary.json"));
    assert_eq!(summary["runs"].as_array().unwrap().len(), 6);
    writeln!(std::io::stderr(), "built and ran {tag} with {engine}: {size} bytes").unwrap();
}

// ---------------------------------------------------------------------------------------------------
// The CI workflow

#[test]
fn ci_workflow_publishes_the_report_and_can_fail_on_regressions() {
    let path = repo().join("examples/github-actions/benchmark-report.yml");
    let workflow: Value = serde_yaml::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(workflow["permissions"]["pages"], "write");
    assert_eq!(workflow["permissions"]["id-token"], "write");
    let steps = workflow["jobs"]["report"]["steps"].as_array().unwrap();
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    for action in ["actions/checkout@", "actions/upload-pages-artifact@", "actions/deploy-pages@"] {
        assert!(uses.iter().any(|u| u.starts_with(action)), "no {action} step");
    }
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(runs.iter().any(|r| r.contains(r#"gen-site "$RESULTS" -o "$RUNNER_TEMP/site""#)));
    assert_eq!(workflow["env"]["FAIL_ON_REGRESSION"], "false", "off unless the user turns it on");

    // The regression check, run as the workflow runs it, on the example's report: the llm-d deployment is
    // better than the standalone baseline (passes); against llm-d as the baseline, standalone is worse.
    let check = steps.iter().find(|s| s["name"] == "Check for regressions").expect("the regression check");
    assert_eq!(check["shell"], "python");
    let script = check["run"].as_str().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let example_path = example();
    let results = example_path.to_str().unwrap();
    gen_site_ok(tmp.path(), &[results, "-o", "improved"]);
    gen_site_ok(tmp.path(), &[results, "-o", "regressed", "--baseline", "llm-d-llama-3b"]);
    let env = &workflow["env"];
    let run_check = |report: &str| {
        Command::new("python3")
            .args(["-c", script])
            .env("SUMMARY", tmp.path().join(report).join("summary.json"))
            .env("MAX_REGRESSION_PCT", env["MAX_REGRESSION_PCT"].as_str().unwrap())
            .env("REGRESSION_STATS", env["REGRESSION_STATS"].as_str().unwrap())
            .output()
            .unwrap_or_else(|e| panic!("the regression check needs python3 (as on GitHub's runners): {e}"))
    };
    let improved = run_check("improved");
    assert!(improved.status.success(), "{}{}", stdout(&improved), stderr(&improved));
    assert!(stdout(&improved).contains("0 regressions of 10% or more"), "{}", stdout(&improved));
    let regressed = run_check("regressed");
    assert_eq!(regressed.status.code(), Some(1), "{}{}", stdout(&regressed), stderr(&regressed));
    let report = stdout(&regressed);
    assert!(
        report.contains("::error title=Regression::standalone/standalone-vllm-llama-3b, long_input at 0.5 QPS: ttft_s p50 +49.1% against llm-d/llm-d-llama-3b"),
        "{report}"
    );
    assert!(!report.contains(" p99 "), "p99 is not among REGRESSION_STATS: {report}");
}
