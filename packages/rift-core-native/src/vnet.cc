#include "vnet.h"

#include <arpa/inet.h>
#include <linux/ptrace.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/user.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "inject.h"

namespace rift {

VirtualNet::VirtualNet() {
  char tmpl[] = "/tmp/rift-net-XXXXXX";  // mode 0700: nobody else reaches the sockets
  if (mkdtemp(tmpl)) dir_ = tmpl;
}

VirtualNet::~VirtualNet() {
  if (dir_.empty()) return;
  for (int type : {SOCK_STREAM, SOCK_DGRAM})
    for (auto& [inode, s] : sockets_)
      if (s.bound && s.type == type) unlink(pathOf(type, s.port).c_str());
  rmdir(dir_.c_str());
}

bool VirtualNet::handles(uint64_t nr) {
  switch (nr) {
    case SYS_socket: case SYS_bind: case SYS_connect: case SYS_accept: case SYS_accept4:
    case SYS_getsockname: case SYS_getpeername: case SYS_setsockopt: case SYS_getsockopt:
    case SYS_sendto: case SYS_recvfrom:
      return true;
  }
  return false;
}

static uint64_t inodeOf(pid_t tid, uint64_t fd) {
  char path[64], link[64];
  snprintf(path, sizeof path, "/proc/%d/fd/%d", tid, int(fd));
  ssize_t n = readlink(path, link, sizeof link - 1);
  if (n <= 0) return 0;
  link[n] = 0;
  unsigned long long ino = 0;
  return sscanf(link, "socket:[%llu]", &ino) == 1 ? ino : 0;
}

VirtualNet::Socket* VirtualNet::find(pid_t tid, uint64_t fd, uint64_t* inode) {
  if (sockets_.empty() || int64_t(fd) < 0) return nullptr;
  uint64_t ino = inodeOf(tid, fd);
  if (inode) *inode = ino;
  auto it = sockets_.find(ino);
  return it == sockets_.end() ? nullptr : &it->second;
}

std::string VirtualNet::pathOf(int type, uint16_t port) const {
  return dir_ + (type == SOCK_DGRAM ? "/udp-" : "/tcp-") + std::to_string(port);
}

// A port is taken while a socket of the sandbox's is bound to its path (the kernel lists it in
// /proc/net/unix); a path left behind by a closed socket is removed and the port is free.
bool VirtualNet::portInUse(int type, uint16_t port) {
  std::string path = pathOf(type, port);
  if (access(path.c_str(), F_OK) != 0) return false;
  std::ifstream f("/proc/net/unix");
  std::string line;
  while (std::getline(f, line))
    if (line.size() >= path.size() && line.compare(line.size() - path.size(), path.size(), path) == 0) return true;
  unlink(path.c_str());
  return false;
}

uint16_t VirtualNet::ephemeral(int type) {
  for (int i = 0; i < 28232; i++) {
    uint16_t p = nextPort_[type]++;
    if (nextPort_[type] == 0 || nextPort_[type] > 60999) nextPort_[type] = 32768;
    if (!portInUse(type, p)) return p;
  }
  return 0;
}

bool VirtualNet::redirect(Tracer& t, const SyscallView& v, NativeAction& a, int type, uint16_t port, int addrArg) {
  uint64_t len, at = scratchAddress(t, v.tid, type, port, &len);
  if (!at) return false;
  a.args[addrArg] = at;
  a.args[addrArg + 1] = len;
  a.setArgs = true;
  return true;
}

uint64_t VirtualNet::scratchAddress(Tracer& t, pid_t tid, int type, uint16_t port, uint64_t* len) {
  struct sockaddr_un un = {};
  un.sun_family = AF_UNIX;
  std::string path = pathOf(type, port);
  if (path.size() >= sizeof un.sun_path) return 0;
  memcpy(un.sun_path, path.data(), path.size());
  uint64_t at = writeBelowStack(t, tid, &un, sizeof un);
  if (!at) return 0;
  *len = offsetof(struct sockaddr_un, sun_path) + path.size() + 1;
  return at;
}

// The program's form of a local address: 127.0.0.1 or ::1 (the wildcard for a socket bound
// to it, unless it is the peer), and the port.
std::string VirtualNet::sockaddrOf(const Socket& s, uint16_t port, bool peer) const {
  if (s.family == AF_INET6) {
    struct sockaddr_in6 a = {};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    a.sin6_addr = (s.any && !peer) ? in6addr_any : in6addr_loopback;
    return std::string(reinterpret_cast<const char*>(&a), sizeof a);
  }
  struct sockaddr_in a = {};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = (s.any && !peer) ? htonl(INADDR_ANY) : htonl(INADDR_LOOPBACK);
  return std::string(reinterpret_cast<const char*>(&a), sizeof a);
}

// Writes an address and its length as the kernel does (truncated to the room *lenp gives) at
// exit (d) or, for a call skipped at entry, at once (a).
void VirtualNet::writeAddress(Tracer& t, pid_t tid, uint64_t addr, uint64_t lenp, const std::string& sa, ExitDecision* d,
                              NativeAction* a) {
  if (!addr || !lenp) return;
  uint32_t room = 0;
  if (t.readMemory(tid, lenp, &room, 4) != 4) return;
  uint32_t size = uint32_t(sa.size());
  std::string bytes = sa.substr(0, std::min(room, size));
  std::string len(reinterpret_cast<const char*>(&size), 4);
  auto& w = d ? d->writes : a->writes;
  if (!bytes.empty()) w.push_back({addr, bytes});
  w.push_back({lenp, len});
}

// An AF_INET/AF_INET6 address of the program's: its port, and whether it is local (the wildcard,
// 127.0.0.0/8, ::, ::1, or 127.x mapped into IPv6).
struct Address {
  int family = 0;
  uint16_t port = 0;
  bool local = false, any = false;
};

// false when unreadable or of another family
static bool readAddress(Tracer& t, pid_t tid, uint64_t addr, uint64_t len, Address& out) {
  int* family = &out.family;
  uint16_t* port = &out.port;
  bool* local = &out.local;
  bool* any = &out.any;
  uint8_t b[28] = {0};
  if (!addr || len < 2 || t.readMemory(tid, addr, b, std::min<uint64_t>(len, sizeof b)) < 2) return false;
  uint16_t fam;
  memcpy(&fam, b, 2);
  *family = fam;
  if (fam == AF_INET && len >= sizeof(sockaddr_in)) {
    sockaddr_in a;
    memcpy(&a, b, sizeof a);
    *port = ntohs(a.sin_port);
    uint32_t ip = ntohl(a.sin_addr.s_addr);
    *any = ip == INADDR_ANY;
    *local = *any || (ip >> 24) == 127;
    return true;
  }
  if (fam == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    sockaddr_in6 a;
    memcpy(&a, b, sizeof a);
    *port = ntohs(a.sin6_port);
    *any = IN6_IS_ADDR_UNSPECIFIED(&a.sin6_addr);
    bool mapped = IN6_IS_ADDR_V4MAPPED(&a.sin6_addr);
    *local = *any || IN6_IS_ADDR_LOOPBACK(&a.sin6_addr) || (mapped && (a.sin6_addr.s6_addr[12] == 127 || (
        a.sin6_addr.s6_addr[12] == 0 && a.sin6_addr.s6_addr[13] == 0 && a.sin6_addr.s6_addr[14] == 0 && a.sin6_addr.s6_addr[15] == 0)));
    return true;
  }
  return false;
}

bool VirtualNet::onEntry(Tracer& t, const SyscallView& v, NativeAction& a) {
  auto fail = [&](int err) {
    a.skip = a.setRet = true;
    a.ret = -err;
    return true;
  };
  auto ok = [&](int64_t r) {
    a.skip = a.setRet = true;
    a.ret = r;
    return true;
  };
  if (v.nr == SYS_socket) {
    int domain = int(v.args[0]), type = int(v.args[1]) & 0xf;
    if (domain != AF_INET && domain != AF_INET6) return false;
    if (type != SOCK_STREAM && type != SOCK_DGRAM) return fail(EPERM);  // raw sockets: nothing leaves
    a.args[0] = AF_UNIX;
    a.args[2] = 0;
    a.setArgs = true;
    return true;
  }
  uint64_t inode = 0;
  Socket* s = find(v.tid, v.args[0], &inode);
  if (!s) return false;
  switch (v.nr) {
    case SYS_bind: {
      Address to;
      if (!readAddress(t, v.tid, v.args[1], v.args[2], to)) return false;
      if (!to.local) return fail(EADDRNOTAVAIL);
      if (s->bound) return fail(EINVAL);
      uint16_t port = to.port;
      if (port == 0) port = ephemeral(s->type);
      else if (portInUse(s->type, port)) return fail(EADDRINUSE);
      if (!redirect(t, v, a, s->type, port, 1)) return fail(ENOMEM);
      a.aux[0] = port;
      a.aux[1] = to.any;
      return true;
    }
    case SYS_connect: {
      Address to;
      if (!readAddress(t, v.tid, v.args[1], v.args[2], to)) return false;
      if (!to.local) return fail(ENETUNREACH);
      if (!portInUse(s->type, to.port)) return fail(ECONNREFUSED);
      if (!s->port) s->port = ephemeral(s->type);  // the client's own port (getsockname)
      if (!redirect(t, v, a, s->type, to.port, 1)) return fail(ENOMEM);
      a.aux[0] = to.port;
      return true;
    }
    case SYS_accept: case SYS_accept4:
      // the kernel writes an AF_UNIX address: none asked for, the program's written at exit
      a.aux[0] = v.args[1];
      a.aux[1] = v.args[2];
      a.aux[2] = inode;
      a.args[1] = a.args[2] = 0;
      a.setArgs = true;
      return true;
    case SYS_getsockname:
      writeAddress(t, v.tid, v.args[1], v.args[2], sockaddrOf(*s, s->port, false), nullptr, &a);
      return ok(0);
    case SYS_getpeername:
      if (!s->peer) return fail(ENOTCONN);
      writeAddress(t, v.tid, v.args[1], v.args[2], sockaddrOf(*s, s->peer, true), nullptr, &a);
      return ok(0);
    case SYS_setsockopt:
      // options of TCP, UDP, IP, IPv6 (TCP_NODELAY, IP_TOS...) have no AF_UNIX meaning: taken
      if (int(v.args[1]) != SOL_SOCKET) return ok(0);
      return false;
    case SYS_getsockopt: {
      int level = int(v.args[1]), opt = int(v.args[2]);
      int32_t value;
      if (level != SOL_SOCKET) value = 0;
      else if (opt == SO_DOMAIN) value = s->family;
      else if (opt == SO_PROTOCOL) value = s->type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
      else return false;
      if (v.args[3]) a.writes.push_back({v.args[3], std::string(reinterpret_cast<const char*>(&value), 4)});
      if (v.args[4]) {
        uint32_t four = 4;
        a.writes.push_back({v.args[4], std::string(reinterpret_cast<const char*>(&four), 4)});
      }
      return ok(0);
    }
    case SYS_sendto: {
      if (!v.args[4]) return false;
      if (s->type == SOCK_STREAM) {  // an address on a connected stream is ignored
        a.args[4] = a.args[5] = 0;
        a.setArgs = true;
        return true;
      }
      Address to;
      if (!readAddress(t, v.tid, v.args[4], v.args[5], to)) return false;
      if (!to.local) return fail(ENETUNREACH);
      if (!portInUse(s->type, to.port)) return ok(int64_t(v.args[2]));  // UDP to a closed port: sent, and lost
      if (!redirect(t, v, a, s->type, to.port, 4)) return fail(ENOMEM);
      return true;
    }
    case SYS_recvfrom: {
      if (!v.args[4]) return false;
      a.aux[0] = v.args[4];
      a.aux[1] = v.args[5];
      a.aux[2] = inode;
      if (s->type != SOCK_DGRAM) return true;
      // the sender's AF_UNIX address goes below the stack (the program's room is an
      // AF_INET address's, too small for the path): its port is read from there at exit
      struct {
        sockaddr_un un;
        uint32_t room;
      } scratch = {{}, uint32_t(sizeof(sockaddr_un))};
      uint64_t at = writeBelowStack(t, v.tid, &scratch, sizeof scratch);
      if (!at) return true;
      a.args[4] = at;
      a.args[5] = at + offsetof(decltype(scratch), room);
      a.setArgs = true;
      return true;
    }
  }
  return false;
}

void VirtualNet::onExit(Tracer& t, const SyscallView& v, const NativeAction& a, ExitDecision& d) {
  switch (v.nr) {
    case SYS_socket:
      if (v.ret >= 0) {
        uint64_t ino = inodeOf(v.tid, uint64_t(v.ret));
        Socket s;
        s.family = int(v.args[0]);
        s.type = int(v.args[1]) & 0xf;
        if (ino) sockets_[ino] = s;
      }
      return;
    case SYS_bind:
      if (v.ret == 0) {
        if (Socket* s = find(v.tid, v.args[0])) {
          s->bound = true;
          s->port = uint16_t(a.aux[0]);
          s->any = a.aux[1] != 0;
        }
      }
      return;
    case SYS_connect: {
      Socket* s = find(v.tid, v.args[0]);
      if (!s) return;
      if (v.ret == 0 || v.ret == -EINPROGRESS) {
        s->peer = uint16_t(a.aux[0]);
        if (s->type == SOCK_STREAM) queued_[s->peer].push_back(s->port);
      } else if (v.ret == -ENOENT) {
        d.setRet = true;
        d.ret = -ECONNREFUSED;
      } else if (v.ret == -EAGAIN && s->type == SOCK_STREAM) {
        d.setRet = true;  // a full AF_UNIX backlog; TCP would go on connecting
        d.ret = -EINPROGRESS;
      }
      return;
    }
    case SYS_accept: case SYS_accept4: {
      if (v.ret < 0) return;
      auto it = sockets_.find(a.aux[2]);
      if (it == sockets_.end()) return;
      Socket c = it->second;  // the listener's family, type and port
      c.any = false;
      auto q = queued_.find(c.port);
      c.peer = 0;
      if (q != queued_.end() && !q->second.empty()) {
        c.peer = q->second.front();
        q->second.pop_front();
      }
      uint64_t ino = inodeOf(v.tid, uint64_t(v.ret));
      if (ino) sockets_[ino] = c;
      writeAddress(t, v.tid, a.aux[0], a.aux[1], sockaddrOf(c, c.peer, true), &d, nullptr);
      return;
    }
    case SYS_recvfrom: {
      if (v.ret < 0) return;
      auto it = sockets_.find(a.aux[2]);
      if (it == sockets_.end()) return;
      const Socket& s = it->second;
      uint16_t from = s.peer;
      if (s.type == SOCK_DGRAM) {
        // the sender's path, if it had bound one: its port
        char path[sizeof(sockaddr_un) + 1] = {0};
        if (a.setArgs && t.readMemory(v.tid, a.args[4], path, sizeof path - 1) > 2) {
          const char* p = strrchr(path + 2, '-');
          if (p && strncmp(path + 2, dir_.c_str(), dir_.size()) == 0) from = uint16_t(atoi(p + 1));
        }
      }
      writeAddress(t, v.tid, a.aux[0], a.aux[1], sockaddrOf(s, from, true), &d, nullptr);
      return;
    }
  }
}

}  // namespace rift
