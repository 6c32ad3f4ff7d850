//! A fault-injecting TCP proxy between an S3 client and the in-process
//! server: a bad network on demand, in front of a real server.
//!
//! One request per connection (`Connection: close` both ways), so each
//! request can be judged on its own: the head is parsed, the body (by its
//! Content-Length) forwarded, flipped, cut, or not forwarded at all. Requests
//! with a body are numbered from 1 in the order they arrive. Every
//! connection is bounded in time; everything stops when the proxy is dropped.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// Longest a stalled request is held (the client's read timeout should fire first).
const STALL: Duration = Duration::from_secs(30);
/// No connection lives longer than this.
const CONNECTION_LIMIT: Duration = Duration::from_secs(60);
const MAX_HEAD: usize = 64 * 1024;

/// What to do with one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Forward it unchanged.
    Pass,
    /// Forward it with one byte in the middle of the body inverted.
    FlipByte,
    /// Forward half the body, then reset both connections.
    ResetMidBody,
    /// Answer `503 SlowDown` with an S3 XML error body; forward nothing.
    SlowDown,
    /// Take the whole request, forward nothing, answer nothing (until dropped or 30 s).
    Stall,
    /// Answer `501 NotImplemented` naming the checksum header, as R2 does.
    RefuseChecksum,
    /// Forward it, but drop the `x-amz-checksum-*` headers from the answer,
    /// like a server that ignores checksum headers.
    HideChecksumEcho,
    /// Forward it after a pause of [`DELAY`], like a slow network.
    Delay,
    /// Forward it once the test opens the gate ([`FaultProxy::open_gate`]).
    Gated,
}

/// How long [`Fault::Delay`] holds a request.
pub const DELAY: Duration = Duration::from_millis(20);

/// A parsed request head.
#[derive(Clone, Debug)]
pub struct RequestHead {
    pub method: String,
    pub target: String,
    /// Lowercased names, values as sent.
    pub headers: Vec<(String, String)>,
    pub content_length: u64,
    /// 1-based number among requests with a body; `None` without a body.
    pub body_index: Option<usize>,
}

impl RequestHead {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// The first `x-amz-checksum-*` header (or the multipart algorithm header).
    pub fn checksum_header(&self) -> Option<&str> {
        self.headers
            .iter()
            .map(|(n, _)| n.as_str())
            .find(|n| n.starts_with("x-amz-checksum-") && *n != "x-amz-checksum-mode")
    }

    pub fn is_put(&self) -> bool {
        self.method == "PUT"
    }
}

type Plan = Arc<dyn Fn(&RequestHead) -> Fault + Send + Sync>;

/// A running proxy; stops when dropped.
pub struct FaultProxy {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<(RequestHead, Fault)>>>,
    shutdown: CancellationToken,
    gate: Arc<tokio::sync::Semaphore>,
}

impl FaultProxy {
    /// Listens on 127.0.0.1:0 and forwards to `upstream`, asking `plan` what
    /// to do with each request.
    pub fn start(
        runtime: &tokio::runtime::Runtime,
        upstream: SocketAddr,
        plan: impl Fn(&RequestHead) -> Fault + Send + Sync + 'static,
    ) -> Self {
        let listener = runtime
            .block_on(TcpListener::bind(("127.0.0.1", 0)))
            .expect("proxy binds");
        let addr = listener.local_addr().expect("proxy address");
        let log = Arc::new(Mutex::new(Vec::new()));
        let shutdown = CancellationToken::new();
        let plan: Plan = Arc::new(plan);
        let bodies = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let (log2, shutdown2, gate2) = (log.clone(), shutdown.clone(), gate.clone());
        runtime.spawn(async move {
            loop {
                let socket = tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok((socket, _)) => socket,
                        Err(_) => continue,
                    },
                    () = shutdown2.cancelled() => break,
                };
                let (plan, bodies, log, shutdown) = (plan.clone(), bodies.clone(), log2.clone(), shutdown2.clone());
                let gate = gate2.clone();
                tokio::spawn(async move {
                    let work = handle(socket, upstream, plan, bodies, log, gate);
                    tokio::select! {
                        _ = tokio::time::timeout(CONNECTION_LIMIT, work) => {}
                        () = shutdown.cancelled() => {}
                    }
                });
            }
        });
        Self {
            addr,
            log,
            shutdown,
            gate,
        }
    }

    /// Lets every [`Fault::Gated`] request through, held and to come.
    pub fn open_gate(&self) {
        self.gate.add_permits(tokio::sync::Semaphore::MAX_PERMITS / 2);
    }

    /// The address to use as the S3 endpoint.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request seen so far, with what was done to it.
    pub fn requests(&self) -> Vec<(RequestHead, Fault)> {
        self.log.lock().unwrap().clone()
    }

    /// The PUT requests (uploads and parts) seen so far.
    pub fn puts(&self) -> Vec<(RequestHead, Fault)> {
        self.requests().into_iter().filter(|(head, _)| head.is_put()).collect()
    }

    /// How many requests got `fault`.
    pub fn count(&self, fault: Fault) -> usize {
        self.requests().iter().filter(|(_, f)| *f == fault).count()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// The upstream address of an `http://host:port` endpoint.
pub fn socket_addr(endpoint: &str) -> SocketAddr {
    endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("endpoint is http://ip:port")
}

async fn handle(
    mut client: TcpStream,
    upstream: SocketAddr,
    plan: Plan,
    bodies: Arc<AtomicUsize>,
    log: Arc<Mutex<Vec<(RequestHead, Fault)>>>,
    gate: Arc<tokio::sync::Semaphore>,
) -> std::io::Result<()> {
    let Some((mut head, mut buffered)) = read_head(&mut client).await? else {
        return Ok(());
    };
    if head.content_length > 0 {
        head.body_index = Some(bodies.fetch_add(1, Ordering::SeqCst) + 1);
    }
    let fault = plan(&head);
    log.lock().unwrap().push((head.clone(), fault));
    let length = usize::try_from(head.content_length).expect("body fits in memory");
    match fault {
        Fault::ResetMidBody => {
            let half = length / 2;
            while buffered.len() < half {
                read_more(&mut client, &mut buffered).await?;
            }
            let mut server = TcpStream::connect(upstream).await?;
            server.write_all(&request_head(&head)).await?;
            server.write_all(&buffered[..half]).await?;
            reset(client);
            reset(server);
            return Ok(());
        }
        Fault::SlowDown | Fault::Stall | Fault::RefuseChecksum => {
            while buffered.len() < length {
                read_more(&mut client, &mut buffered).await?;
            }
            match fault {
                Fault::SlowDown => {
                    let xml = s3_error("SlowDown", "Please reduce your request rate.");
                    respond(&mut client, "503 Service Unavailable", &xml).await?;
                }
                Fault::RefuseChecksum => {
                    let header = head.checksum_header().unwrap_or("x-amz-checksum").to_owned();
                    let message = format!("Header '{header}' with value 'x' not implemented");
                    respond(
                        &mut client,
                        "501 Not Implemented",
                        &s3_error("NotImplemented", &message),
                    )
                    .await?;
                }
                _ => tokio::time::sleep(STALL).await,
            }
            return Ok(());
        }
        Fault::Gated => {
            let _open = gate.acquire().await;
        }
        Fault::Pass | Fault::FlipByte | Fault::HideChecksumEcho | Fault::Delay => {}
    }
    while buffered.len() < length {
        read_more(&mut client, &mut buffered).await?;
    }
    if fault == Fault::Delay {
        tokio::time::sleep(DELAY).await;
    }
    buffered.truncate(length);
    if fault == Fault::FlipByte && length > 0 {
        buffered[length / 2] ^= 0xFF;
    }
    let mut server = TcpStream::connect(upstream).await?;
    server.write_all(&request_head(&head)).await?;
    server.write_all(&buffered).await?;
    // The response: interim 1xx heads pass as they are; the final head gets
    // `Connection: close`; the rest flows until the server closes.
    loop {
        let (status_line, headers, rest) = read_response_head(&mut server).await?;
        let interim = status_line.split(' ').nth(1).is_some_and(|code| code.starts_with('1'));
        let mut out = format!("{status_line}\r\n");
        for (name, value) in &headers {
            let lower = name.to_ascii_lowercase();
            let hidden = fault == Fault::HideChecksumEcho && lower.starts_with("x-amz-checksum-");
            if interim || !(hidden || matches!(lower.as_str(), "connection" | "keep-alive")) {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        if !interim {
            out.push_str("Connection: close\r\n");
        }
        out.push_str("\r\n");
        client.write_all(out.as_bytes()).await?;
        client.write_all(&rest).await?;
        if !interim {
            break;
        }
    }
    tokio::io::copy(&mut server, &mut client).await?;
    client.shutdown().await.ok();
    Ok(())
}

/// Reads a request head; returns it and any body bytes read past it.
async fn read_head(client: &mut TcpStream) -> std::io::Result<Option<(RequestHead, Vec<u8>)>> {
    let mut buffered = Vec::new();
    let end = loop {
        if let Some(end) = find_head_end(&buffered) {
            break end;
        }
        if buffered.len() > MAX_HEAD || read_more(client, &mut buffered).await? == 0 {
            return Ok(None);
        }
    };
    let text = String::from_utf8_lossy(&buffered[..end]).into_owned();
    let mut lines = text.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_owned();
    let target = first.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let content_length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    assert!(
        !headers.iter().any(|(n, _)| n == "transfer-encoding"),
        "the proxy expects Content-Length bodies"
    );
    let head = RequestHead {
        method,
        target,
        headers,
        content_length,
        body_index: None,
    };
    Ok(Some((head, buffered.split_off(end + 4))))
}

async fn read_response_head(server: &mut TcpStream) -> std::io::Result<(String, Vec<(String, String)>, Vec<u8>)> {
    let mut buffered = Vec::new();
    let end = loop {
        if let Some(end) = find_head_end(&buffered) {
            break end;
        }
        if buffered.len() > MAX_HEAD || read_more(server, &mut buffered).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
    };
    let text = String::from_utf8_lossy(&buffered[..end]).into_owned();
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default().to_owned();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Ok((status_line, headers, buffered.split_off(end + 4)))
}

fn find_head_end(bytes: &[u8]) -> Option<usize> {
    bytes.windows(4).position(|w| w == b"\r\n\r\n")
}

async fn read_more(stream: &mut TcpStream, buffered: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut chunk = vec![0; 64 * 1024];
    let n = stream.read(&mut chunk).await?;
    if n == 0 && !buffered.is_empty() {
        // A peer that closes mid-request: nothing more will come.
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    buffered.extend_from_slice(&chunk[..n]);
    Ok(n)
}

/// The head as forwarded: the same, but one request per connection.
fn request_head(head: &RequestHead) -> Vec<u8> {
    let mut out = format!("{} {} HTTP/1.1\r\n", head.method, head.target);
    for (name, value) in &head.headers {
        if !matches!(name.as_str(), "connection" | "keep-alive") {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    out.push_str("connection: close\r\n\r\n");
    out.into_bytes()
}

fn s3_error(code: &str, message: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>proxy</RequestId></Error>"
    )
}

async fn respond(client: &mut TcpStream, status: &str, xml: &str) -> std::io::Result<()> {
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{xml}",
        xml.len()
    );
    client.write_all(response.as_bytes()).await?;
    client.shutdown().await.ok();
    Ok(())
}

/// Closes with a TCP reset (RST) rather than an orderly FIN.
fn reset(stream: TcpStream) {
    #[allow(deprecated)] // SO_LINGER 0 closes at once; the "blocking drop" concern is for non-zero linger.
    stream.set_linger(Some(Duration::ZERO)).ok();
    drop(stream);
}
