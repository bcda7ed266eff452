#include "control.hpp"

#include "log.hpp"
#include "peer_creds.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <cerrno>
#include <memory>

namespace asio = boost::asio;
using local = asio::local::stream_protocol;

namespace jd {

namespace {
// The request must be read within this; the whole session (read, answer,
// write the reply) is over after kSessionTimeout whatever happens.
constexpr auto kRequestTimeout = std::chrono::seconds(5);
constexpr auto kSessionTimeout = std::chrono::seconds(30);
// Out of descriptors (EMFILE/ENFILE): accept nothing for this long.
constexpr auto kAcceptPause = std::chrono::seconds(1);
} // namespace

// One client connection: read one line, answer it, close.
class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(Control& c, local::socket s, uid_t uid)
        : ctl_(c), sock_(std::move(s)), timer_(sock_.get_executor()),
          deadline_(sock_.get_executor()), buf_(kMaxRequestBytes + 1), uid_(uid) {}
    void start();
    uid_t uid() const { return uid_; }

  private:
    void answer(const Reply& r);
    void close();

    Control& ctl_;
    local::socket sock_;
    asio::steady_timer timer_;    // reading the request
    asio::steady_timer deadline_; // the whole session
    asio::streambuf buf_;
    std::string out_;
    uid_t uid_;
    bool read_ = false;      // the request is read (and handed on)
    bool timed_out_ = false; // the client got the timeout answer: never execute
    bool answered_ = false;
    bool closed_ = false;
};

Control::Control(asio::io_context& io, local::acceptor acceptor, Handler handle)
    : io_(io), acceptor_(std::move(acceptor)), handle_(std::move(handle)), accept_timer_(io) {
    acceptor_.non_blocking(true);
}

void Control::serve() {
    accept();
}

void Control::close() {
    boost::system::error_code ec;
    acceptor_.close(ec);
}

// A session ended: when accepting waited for one, it goes on.
void Control::session_closed() {
    --sessions_;
    if (accept_full_ && sessions_ < kMaxSessions) {
        accept_full_ = false;
        if (!accept_paused_)
            accept();
    }
}

void Control::accept() {
    if (sessions_ >= kMaxSessions) {
        // Further connections wait in the listen queue until a session
        // ends (each ends within 30 s): none is turned away.
        if (!accept_full_)
            log_warn("audit: " + std::to_string(kMaxSessions) +
                     " sessions open; further connections wait");
        accept_full_ = true;
        return;
    }
    acceptor_.async_accept([this](const boost::system::error_code& ec, local::socket s) {
        if (ec == asio::error::operation_aborted)
            return;
        if (!took(ec, std::move(s)))
            return;
        // Take every connection that is queued now, so that their
        // requests are read in the same turn of the loop and share one
        // commit (one accept per turn would give each its own fsync).
        while (sessions_ < kMaxSessions) {
            local::socket more(io_);
            boost::system::error_code mec;
            acceptor_.accept(more, mec);
            if (mec == asio::error::would_block || mec == asio::error::try_again)
                break;
            if (!took(mec, std::move(more)))
                return;
            if (mec)
                break;
        }
        accept();
    });
}

// One accepted connection (or why not). False: accepting is paused.
bool Control::took(const boost::system::error_code& ec, local::socket s) {
    if (!ec) {
        if (accept_paused_) {
            accept_paused_ = false;
            log_info("accepting connections again");
        }
        uid_t uid = uid_t(-1);
        gid_t gid = gid_t(-1);
        if (!peer_creds(s.native_handle(), uid, gid)) {
            log_warn("audit: refused a connection: cannot read peer credentials");
        } else {
            std::make_shared<Session>(*this, std::move(s), uid)->start();
        }
        return true;
    }
    if (ec == asio::error::no_descriptors || ec.value() == ENFILE ||
        ec == asio::error::no_buffer_space || ec == asio::error::no_memory) {
        // Accepting again at once would fail again at once (the
        // connection stays queued): pause, the sessions time out.
        if (!accept_paused_)
            log_warn("accept: " + ec.message() + "; not accepting for 1 s");
        accept_paused_ = true;
        accept_timer_.expires_after(kAcceptPause);
        accept_timer_.async_wait([this](const boost::system::error_code& tec) {
            if (!tec)
                accept();
        });
        return false;
    }
    log_warn("accept: " + ec.message());
    return true;
}

void Session::start() {
    ++ctl_.sessions_;
    auto self = shared_from_this();
    timer_.expires_after(kRequestTimeout);
    timer_.async_wait([self](const boost::system::error_code& ec) {
        if (ec || self->read_ || self->closed_)
            return;
        // From now on the request is not executed, even if it arrives.
        self->timed_out_ = true;
        self->answer(error_reply(EX_TEMPFAIL_, "request not complete within 5 s"));
    });
    // Read, answer and write, all of it: a client that stops reading cannot
    // hold a session for ever. An answer that comes later is dropped; the
    // change it reports stands (it was acknowledged to nobody).
    deadline_.expires_after(kSessionTimeout);
    deadline_.async_wait([self](const boost::system::error_code& ec) {
        if (ec || self->closed_)
            return;
        if (self->answered_) {
            self->close(); // the client does not read its reply
            return;
        }
        // Told once; the late answer is dropped. The write of this one
        // gets a few seconds more.
        self->answer(error_reply(EX_TEMPFAIL_, "no answer within 30 s; the request may still "
                                               "take effect (check with -l)"));
        self->deadline_.expires_after(kRequestTimeout);
        self->deadline_.async_wait([self](const boost::system::error_code& ec2) {
            if (!ec2)
                self->close();
        });
    });
    asio::async_read_until(
        sock_, buf_, '\n', [self](const boost::system::error_code& ec, std::size_t n) {
            if (ec == asio::error::operation_aborted || self->timed_out_ || self->closed_)
                return;
            self->read_ = true;
            self->timer_.cancel();
            if (ec == asio::error::not_found) {
                self->answer(error_reply(EX_DATAERR_, "request longer than " +
                                                          std::to_string(kMaxRequestBytes) +
                                                          " bytes"));
                return;
            }
            if (ec) {
                self->answer(error_reply(EX_DATAERR_, "request not terminated by newline"));
                return;
            }
            std::string line(asio::buffers_begin(self->buf_.data()),
                             asio::buffers_begin(self->buf_.data()) + n - 1);
            // The answer may come in a later turn of the loop (after the
            // state is on disk).
            self->ctl_.handle_(line, self->uid_, [self](Reply r) { self->answer(r); });
        });
}

void Session::answer(const Reply& r) {
    if (answered_ || closed_)
        return; // answered already (timeout vs. read race, or too late)
    answered_ = true;
    // Every refused request leaves exactly one line, naming the peer.
    if (!r.ok)
        log_warn("audit: refused request from uid " + std::to_string(uid_) + ": " + r.error);
    out_ = encode(r);
    auto self = shared_from_this();
    asio::async_write(sock_, asio::buffer(out_),
                      [self](const boost::system::error_code&, std::size_t) { self->close(); });
}

void Session::close() {
    if (closed_)
        return;
    closed_ = true;
    timer_.cancel();
    deadline_.cancel();
    boost::system::error_code ec;
    sock_.shutdown(local::socket::shutdown_both, ec);
    sock_.close(ec);
    ctl_.session_closed();
}

} // namespace jd
