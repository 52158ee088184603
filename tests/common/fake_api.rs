//! A small HTTP server that plays the API server for a test: every request's path is logged and answered by the
//! test's function. The plugin lists its kinds concurrently over several connections: one thread each.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// What the fake server answers: status, body, and whether to cut the body short (a connection lost mid-page).
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub cut: bool,
}

impl Reply {
    pub fn new(status: u16, body: String) -> Reply {
        Reply {
            status,
            body,
            cut: false,
        }
    }
}

/// Serves until the test ends. `namespace` is the kubeconfig context's namespace. Returns the directory holding
/// the kubeconfig (`config`) and the log of request paths (with their queries).
pub fn serve(
    namespace: &str,
    answer: impl Fn(&str) -> Reply + Send + Sync + 'static,
) -> (tempfile::TempDir, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (seen, answer) = (seen.clone(), answer.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                loop {
                    let mut request_line = String::new();
                    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
                        break;
                    }
                    let mut header = String::new();
                    while reader.read_line(&mut header).unwrap_or(0) > 2 {
                        header.clear();
                    }
                    let path = request_line
                        .split_whitespace()
                        .nth(1)
                        .unwrap_or("")
                        .to_string();
                    seen.lock().unwrap().push(path.clone());
                    let reply = answer(&path);
                    let body = if reply.cut {
                        &reply.body[..reply.body.len() / 3]
                    } else {
                        reply.body.as_str()
                    };
                    let head = format!(
                        "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                        reply.status,
                        reply.body.len()
                    );
                    let mut stream = &stream;
                    let _ = stream
                        .write_all(head.as_bytes())
                        .and_then(|_| stream.write_all(body.as_bytes()));
                    if reply.cut {
                        let _ = stream.shutdown(std::net::Shutdown::Both);
                        break;
                    }
                }
            });
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster: {{server: 'http://127.0.0.1:{port}'}}\nusers:\n- name: anyone\n  user: {{}}\ncontexts:\n- name: fake\n  context: {{cluster: fake, user: anyone, namespace: {namespace}}}\ncurrent-context: fake\n"
    );
    std::fs::write(dir.path().join("config"), config).unwrap();
    (dir, log)
}
