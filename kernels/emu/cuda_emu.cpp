// cuda_emu.cpp - the execution engines behind cuda_emu.h (compiled only into host-emulated libraries).
//
// Fiber engine (CUDA_EMU_FIBERS=1, default): a worker takes whole blocks from an atomic counter and
// runs all blockDim threads of a block as fibers on its own OS thread; a fiber switches (15
// instructions of x86-64 asm, ucontext elsewhere) only at __syncthreads, a warp primitive or exit.
// A scheduling pass that finds no runnable fiber is a deadlock, reported exactly.
// Threads engine (CUDA_EMU_FIBERS=0): one OS thread per CUDA thread, blocks one after another,
// barriers with a mutex + condition variable; for ThreadSanitizer. A state where every live thread
// waits is a deadlock; waiting threads then leave the kernel by a C++ exception.
// Both engines share the barrier bookkeeping (struct Block) and its checks. Nothing here exits.
//
// Environment: CUDA_EMU_WORKERS (fiber workers, default = cores), CUDA_EMU_ORDER=forward|reverse
// (fiber scheduling order), CUDA_EMU_STACK_KB (fiber stack, default 256), CUDA_EMU_STRICT=1
// (report threads that returned before a __syncthreads that others executed), CUDA_EMU_VERBOSE=1
// (print faults to stderr as well), CUDA_EMU_SMEM_OPTIN_KB (opt-in shared-memory maximum, default
// 163 = sm_80).
#include "cuda_emu.h"

#include <sys/mman.h>

#include <algorithm>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>
#include <vector>
#if CUDA_EMU_FIBERS && !defined(__x86_64__)
#include <ucontext.h>
#endif

namespace cuda_emu {
namespace {

// ---- configuration -----------------------------------------------------------------------------
int env_int(const char* name, int dflt) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : dflt;
}
bool env_reverse() {
  const char* v = std::getenv("CUDA_EMU_ORDER");
  return v && std::strcmp(v, "reverse") == 0;
}

struct SiteRec {
  const char* file = "";
  unsigned line = 0, col = 0;
  const char* fn = "";
  bool operator==(const SiteRec& o) const { return line == o.line && col == o.col && std::strcmp(file, o.file) == 0; }
};
SiteRec rec(const Site& s) { return SiteRec{s.file_name(), (unsigned)s.line(), (unsigned)s.column(), s.function_name()}; }
const char* base(const char* f) {
  const char* b = std::strrchr(f, '/');
  return b ? b + 1 : f;
}
const char* kind_name(int k) {
  switch (k) {
    case kShflIdx: return "__shfl_sync";
    case kShflUp: return "__shfl_up_sync";
    case kShflDown: return "__shfl_down_sync";
    case kShflXor: return "__shfl_xor_sync";
    case kBallot: return "__ballot_sync";
    case kAny: return "__any_sync";
    case kAll: return "__all_sync";
    case kWmma: return "wmma";
    case kSyncwarp: return "__syncwarp";
  }
  return "__syncthreads";
}

// ---- per-block barrier bookkeeping (shared by both engines) -------------------------------------
struct Lane {  // one CUDA thread
  int lin = 0, warp = 0, lane = 0;
  uint3 tid{};
  uint64_t wops = 0;               // warp operations done (slot parity)
  const uint64_t* wait_on = nullptr;  // generation counter waited on (nullptr = runnable)
  uint64_t wait_val = 0;
  int wait_kind = 0;               // 0 block barrier, else warp kind (for deadlock reports)
  SiteRec wait_site;
  bool done = false;
  void* sp = nullptr;              // fiber context
#if CUDA_EMU_FIBERS && !defined(__x86_64__)
  ucontext_t uc;
#endif
};

struct Warp {
  int live = 0, arrived = 0, waiting = 0;
  unsigned live_mask = 0;
  uint64_t gen = 0;
  int kind = 0;
  unsigned mask = 0;
  int first_lane = 0;
  SiteRec site;
  uint64_t slots[2][32] = {};
  unsigned part[2] = {0, 0};  // lanes that arrived in the phase using slots[i]
};

struct Launch;
struct Block {
  Launch* launch = nullptr;
  std::vector<const void*> smem_seen;  // STATIC_SHARED arrays this block declared
  size_t smem_static = 0;
  bool config = false;  // the fault is a launch-configuration error (status 4), not a kernel bug
  uint3 bid{};
  int nthreads = 0, live = 0, arrived = 0, waiting = 0, blocked = 0;
  uint64_t gen = 0;
  SiteRec site;
  int first_lin = 0;
  bool fault = false;
  char msg[1024] = "";
  std::vector<Lane> lanes;
  std::vector<Warp> warps;

  void reset(uint3 b, dim3 bd) {
    bid = b;
    nthreads = (int)(bd.x * bd.y * bd.z);
    live = nthreads;
    arrived = waiting = blocked = 0;
    gen = 0;
    fault = false;
    config = false;
    msg[0] = 0;
    smem_seen.clear();
    smem_static = 0;
    lanes.assign(nthreads, Lane{});
    warps.assign((nthreads + 31) / 32, Warp{});
    for (int i = 0; i < nthreads; i++) {
      Lane& l = lanes[i];
      l.lin = i;
      l.warp = i / 32;
      l.lane = i % 32;
      l.tid = uint3{(unsigned)(i % bd.x), (unsigned)(i / bd.x % bd.y), (unsigned)(i / (bd.x * bd.y))};
      warps[l.warp].live++;
      warps[l.warp].live_mask |= 1u << l.lane;
    }
  }
  void failf(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
  void check_block_release(const SiteRec& s);
  void release_block() {
    blocked -= waiting;
    waiting = 0;
    arrived = 0;
    gen++;
  }
  void release_warp(Warp& w) {
    if ((w.live_mask & ~w.mask) != 0 && !fault)
      failf("warp op %s with mask %08x at %s:%u:%u while live lanes are %08x (block (%u,%u,%u), warp %d)",
            kind_name(w.kind), w.mask, base(w.site.file), w.site.line, w.site.col, w.live_mask, bid.x, bid.y,
            bid.z, (int)(&w - warps.data()));
    blocked -= w.waiting;
    w.waiting = 0;
    w.arrived = 0;
    w.gen++;
  }
  // returns true when this arrival released the barrier
  bool arrive_block(Lane& me, const SiteRec& s) {
    if (arrived == 0) {
      site = s;
      first_lin = me.lin;
    } else if (!(site == s) && !fault) {
      const Lane& f = lanes[first_lin];
      failf("divergent __syncthreads in block (%u,%u,%u): thread (%u,%u,%u) at %s:%u:%u vs thread (%u,%u,%u) at %s:%u:%u",
            bid.x, bid.y, bid.z, f.tid.x, f.tid.y, f.tid.z, base(site.file), site.line, site.col, me.tid.x, me.tid.y,
            me.tid.z, base(s.file), s.line, s.col);
    }
    if (++arrived == live) {
      check_block_release(s);
      release_block();
      return true;
    }
    return false;
  }
  bool arrive_warp(Lane& me, int kind, unsigned mask, uint64_t value, const SiteRec& s) {
    Warp& w = warps[me.warp];
    if (!((mask >> me.lane) & 1u) && !fault)
      failf("%s at %s:%u:%u: mask %08x does not include the calling lane %d (block (%u,%u,%u), thread %d)",
            kind_name(kind), base(s.file), s.line, s.col, mask, me.lane, bid.x, bid.y, bid.z, me.lin);
    if (w.arrived == 0) {
      w.kind = kind;
      w.mask = mask;
      w.site = s;
      w.first_lane = me.lane;
    } else if ((w.kind != kind || w.mask != mask || !(w.site == s)) && !fault) {
      failf("warp-divergent warp primitive in block (%u,%u,%u), warp %d: lane %d %s mask %08x at %s:%u:%u vs lane %d "
            "%s mask %08x at %s:%u:%u",
            bid.x, bid.y, bid.z, me.warp, w.first_lane, kind_name(w.kind), w.mask, base(w.site.file), w.site.line,
            w.site.col, me.lane, kind_name(kind), mask, base(s.file), s.line, s.col);
    }
    int p = (int)(me.wops & 1);
    if (w.arrived == 0) w.part[p] = 0;
    w.part[p] |= 1u << me.lane;
    w.slots[p][me.lane] = value;
    if (++w.arrived == w.live) {
      release_warp(w);
      return true;
    }
    return false;
  }
  // a thread returned from the kernel: it stops counting, which may complete a barrier
  void exit_lane(Lane& me) {
    me.done = true;
    live--;
    Warp& w = warps[me.warp];
    w.live--;
    w.live_mask &= ~(1u << me.lane);
    if (arrived > 0 && arrived == live) {
      check_block_release(site);
      release_block();
    }
    if (w.arrived > 0 && w.arrived == w.live) release_warp(w);
  }
  void report_deadlock();
  void check_smem(const SiteRec& s);
};

void Block::failf(const char* fmt, ...) {
  if (fault) return;
  fault = true;
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
}

void Block::check_block_release(const SiteRec& s) {
  static const bool strict = env_int("CUDA_EMU_STRICT", 0) != 0;
  if (strict && live < nthreads && !fault)
    failf("%d of %d threads of block (%u,%u,%u) returned before the __syncthreads at %s:%u:%u (CUDA_EMU_STRICT)",
          nthreads - live, nthreads, bid.x, bid.y, bid.z, base(s.file), s.line, s.col);
}

void Block::report_deadlock() {
  char buf[640] = "";
  int n = 0, shown = 0;
  for (const Lane& l : lanes) {
    if (l.done || shown >= 4) continue;
    if (shown > 0 && lanes[l.lin - 1].wait_kind == l.wait_kind && lanes[l.lin - 1].wait_site == l.wait_site &&
        !lanes[l.lin - 1].done)
      continue;  // one line per run of threads waiting at the same place
    n += std::snprintf(buf + n, sizeof buf - n, "%sthread (%u,%u,%u) waits in %s at %s:%u:%u", shown ? "; " : "",
                       l.tid.x, l.tid.y, l.tid.z, kind_name(l.wait_kind), base(l.wait_site.file), l.wait_site.line,
                       l.wait_site.col);
    shown++;
    if (n >= (int)sizeof buf - 1) break;
  }
  failf("deadlock in block (%u,%u,%u): %s", bid.x, bid.y, bid.z, buf);
}

// ---- launch-wide state --------------------------------------------------------------------------
struct Launch {
  const char* name = "";
  const void* fn = nullptr;
  int dyn_attr = -1;  // cudaFuncAttributeMaxDynamicSharedMemorySize of the kernel, -1 = not set
  bool config_fault = false;
  dim3 grid, block;
  size_t smem = 0;
  void (*thunk)(const void*) = nullptr;
  const void* args = nullptr;
  std::atomic<long> next{0};
  long nblocks = 0;
  std::atomic<bool> fault{false};
  std::mutex fault_mu;
  char msg[1200] = "";
  void record(const Block& b, const char* name) {
    std::lock_guard<std::mutex> g(fault_mu);
    if (fault.exchange(true)) return;
    config_fault = b.config;
    std::snprintf(msg, sizeof msg, "%s: %s", name, b.msg);
  }
};

std::mutex g_launch_mu;  // static __shared__ and the pools are not reentrant
thread_local cudaError_t tl_last = cudaSuccess;
thread_local char tl_fault[1200] = "";
thread_local Lane* tl_lane = nullptr;
thread_local Block* tl_block = nullptr;
thread_local unsigned char* tl_dyn = nullptr;
// dynamic shared memory starts 128-byte aligned, as on a GPU (WMMA needs 32 bytes); buffers hold smem + 128
unsigned char* align128(unsigned char* p) { return (unsigned char*)(((uintptr_t)p + 127) & ~(uintptr_t)127); }

uint3 block_index(long b, dim3 g) {
  return uint3{(unsigned)(b % g.x), (unsigned)(b / g.x % g.y), (unsigned)(b / ((long)g.x * g.y))};
}

void poison(unsigned char* p, size_t n) {
  if (n) std::memset(p, 0xFF, n);  // NaN as float, -1 as int: uninitialised reads show up
}

std::mutex g_attr_mu;
std::map<const void*, int>& dyn_limits() {  // per kernel: the opted-in dynamic shared memory
  static std::map<const void*, int> m;
  return m;
}
std::map<const void*, size_t>& static_sizes() {  // per kernel: static shared memory seen in a launch
  static std::map<const void*, size_t> m;
  return m;
}

// The shared-memory rule of CUDA: dynamic bytes <= the opted-in maximum (default 48 KB - static),
// static + opted-in maximum <= the device's opt-in limit. Returns "" or what is wrong.
void smem_problem(char* out, size_t cap, size_t static_bytes, size_t dyn, int attr) {
  out[0] = 0;
  long max_dyn = attr >= 0 ? attr : (long)kSmemDefault - (long)static_bytes;
  if (attr < 0 && (long)(static_bytes + dyn) > kSmemDefault)
    std::snprintf(out, cap,
                  "%zu B static + %zu B dynamic shared memory = %zu B > the 48 KB default (opt in with "
                  "cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes))",
                  static_bytes, dyn, static_bytes + dyn);
  else if ((long)dyn > max_dyn)
    std::snprintf(out, cap, "%zu B dynamic shared memory > the %ld B opted in with cudaFuncSetAttribute", dyn,
                  max_dyn);
  else if (attr >= 0 && (long)static_bytes + attr > smem_optin_limit())
    std::snprintf(out, cap, "%zu B static + %d B opted-in dynamic shared memory > the %d B opt-in limit (sm_80)",
                  static_bytes, attr, smem_optin_limit());
}

void Block::check_smem(const SiteRec& s) {
  {
    std::lock_guard<std::mutex> g(g_attr_mu);
    size_t& known = static_sizes()[launch->fn];
    if (smem_static > known) known = smem_static;
  }
  char why[400];
  smem_problem(why, sizeof why, smem_static, launch->smem, launch->dyn_attr);
  if (why[0] && !fault) {
    failf("%s (STATIC_SHARED at %s:%u)", why, base(s.file), s.line);
    config = true;
  }
}

#if CUDA_EMU_FIBERS
// ============================== fiber engine =====================================================
#if defined(__x86_64__)
extern "C" void cuda_emu_swap(void** save_sp, void* load_sp);
extern "C" void cuda_emu_fiber_entry();
asm(R"(
  .text
  .globl cuda_emu_swap
  .hidden cuda_emu_swap
  .type cuda_emu_swap,@function
cuda_emu_swap:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size cuda_emu_swap,.-cuda_emu_swap
  .globl cuda_emu_fiber_entry
  .hidden cuda_emu_fiber_entry
  .type cuda_emu_fiber_entry,@function
cuda_emu_fiber_entry:
  movq %r12, %rdi
  callq *%r13
  ud2
  .size cuda_emu_fiber_entry,.-cuda_emu_fiber_entry
)");
#endif

struct Worker {
  Block blk;
  void* sched_sp = nullptr;
#if !defined(__x86_64__)
  ucontext_t sched_uc;
#endif
  unsigned char* stacks = nullptr;
  size_t stack_bytes = 0, nstacks = 0;
  std::vector<unsigned char> dyn;
  Launch* launch = nullptr;
  int cur = -1;

  unsigned char* stack_top(int i) { return stacks + (i + 1) * (stack_bytes + 4096); }
  bool ensure_stacks(int n) {
    if ((size_t)n <= nstacks) return true;
    if (stacks) munmap(stacks, nstacks * (stack_bytes + 4096));
    stack_bytes = (size_t)env_int("CUDA_EMU_STACK_KB", 256) * 1024;
    size_t total = (size_t)n * (stack_bytes + 4096);
    void* p = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
      stacks = nullptr;
      nstacks = 0;
      return false;
    }
    stacks = (unsigned char*)p;
    nstacks = (size_t)n;
    for (int i = 0; i < n; i++) mprotect(stacks + (size_t)i * (stack_bytes + 4096), 4096, PROT_NONE);  // guard
    return true;
  }
  void to_sched(Lane& me) {
#if defined(__x86_64__)
    cuda_emu_swap(&me.sp, sched_sp);
#else
    swapcontext(&me.uc, &sched_uc);
#endif
  }
  void run_block(long b);
};
thread_local Worker* tl_worker = nullptr;

void fiber_main(void* arg) {
  Worker* w = static_cast<Worker*>(arg);
  Launch* L = w->launch;
  Lane& me = w->blk.lanes[w->cur];
  L->thunk(L->args);
  w->blk.exit_lane(me);
  w->to_sched(me);  // never resumed
}
#if !defined(__x86_64__)
void fiber_main_uc(unsigned hi, unsigned lo) { fiber_main((void*)(((uintptr_t)hi << 32) | lo)); }
#endif

void Worker::run_block(long b) {
  Launch& L = *launch;
  blk.reset(block_index(b, L.grid), L.block);
  blk.launch = &L;
  tl_block = &blk;
  tl_blockIdx = blk.bid;
  tl_blockDim = L.block;
  tl_gridDim = L.grid;
  tl_dyn = align128(dyn.data());
  poison(tl_dyn, L.smem);
  for (int i = 0; i < blk.nthreads; i++) {
#if defined(__x86_64__)
    // initial frame: 6 callee-saved registers (r12 = arg, r13 = function), then the entry address;
    // after `ret` the stack pointer is 16-byte aligned for the call in cuda_emu_fiber_entry
    uintptr_t top = ((uintptr_t)stack_top(i)) & ~(uintptr_t)15;
    uint64_t* sp = (uint64_t*)(top - 16);
    *--sp = (uint64_t)(uintptr_t)&cuda_emu_fiber_entry;
    *--sp = 0;                                 // rbp
    *--sp = 0;                                 // rbx
    *--sp = (uint64_t)(uintptr_t)this;         // r12
    *--sp = (uint64_t)(uintptr_t)&fiber_main;  // r13
    *--sp = 0;                                 // r14
    *--sp = 0;                                 // r15
    blk.lanes[i].sp = sp;
#else
    Lane& l = blk.lanes[i];
    getcontext(&l.uc);
    l.uc.uc_stack.ss_sp = stack_top(i) - stack_bytes;
    l.uc.uc_stack.ss_size = stack_bytes;
    l.uc.uc_link = nullptr;
    makecontext(&l.uc, (void (*)())fiber_main_uc, 2, (unsigned)((uintptr_t)this >> 32), (unsigned)(uintptr_t)this);
#endif
  }
  static const bool reverse = env_reverse();
  int remaining = blk.nthreads;
  while (remaining > 0 && !blk.fault) {
    bool progressed = false;
    for (int k = 0; k < blk.nthreads && !blk.fault; k++) {
      int i = reverse ? blk.nthreads - 1 - k : k;
      Lane& l = blk.lanes[i];
      if (l.done) continue;
      if (l.wait_on && *l.wait_on == l.wait_val) continue;  // still blocked
      l.wait_on = nullptr;
      cur = i;
      tl_lane = &l;
      tl_threadIdx = l.tid;
#if defined(__x86_64__)
      cuda_emu_swap(&sched_sp, l.sp);
#else
      swapcontext(&sched_uc, &l.uc);
#endif
      progressed = true;
      if (l.done) remaining--;
    }
    if (!progressed && remaining > 0 && !blk.fault) blk.report_deadlock();
  }
  tl_lane = nullptr;
  if (blk.fault) L.record(blk, "");
}

// waits (by switching to the scheduler) until *gen changes
void fiber_wait(Lane& me, const uint64_t* gen, uint64_t old, int kind, const SiteRec& s) {
  me.wait_on = gen;
  me.wait_val = old;
  me.wait_kind = kind;
  me.wait_site = s;
  tl_worker->to_sched(me);  // resumed only when *gen != old
}

struct Pool {
  std::mutex mu;
  std::condition_variable cv, done_cv;
  uint64_t job = 0;
  int busy = 0;
  Launch* launch = nullptr;
  std::vector<Worker*> workers;  // workers[0] is the launching thread's
  int n = 1;
  Pool() {
    n = env_int("CUDA_EMU_WORKERS", (int)std::thread::hardware_concurrency());
    if (n < 1) n = 1;
    for (int i = 0; i < n; i++) workers.push_back(new Worker());
    for (int i = 1; i < n; i++) std::thread([this, i] { loop(i); }).detach();  // leaked on purpose
  }
  void loop(int i) {
    uint64_t seen = 0;
    for (;;) {
      Launch* L;
      {
        std::unique_lock<std::mutex> g(mu);
        cv.wait(g, [&] { return job != seen; });
        seen = job;
        L = launch;
      }
      work(workers[i], *L);
      std::lock_guard<std::mutex> g(mu);
      if (--busy == 0) done_cv.notify_all();
    }
  }
  static void work(Worker* w, Launch& L) {
    tl_worker = w;
    w->launch = &L;
    for (long b; !L.fault && (b = L.next.fetch_add(1)) < L.nblocks;) w->run_block(b);
  }
  bool prepare(Launch& L) {
    int threads = (int)(L.block.x * L.block.y * L.block.z);
    for (Worker* w : workers) {
      if (!w->ensure_stacks(threads)) return false;
      if (w->dyn.size() < L.smem + 128) w->dyn.resize(L.smem + 128);
    }
    return true;
  }
  void run(Launch& L) {
    int helpers = (int)std::min<long>(n, L.nblocks) - 1;
    if (helpers > 0) {
      std::lock_guard<std::mutex> g(mu);
      launch = &L;
      busy = n - 1;
      job++;
      cv.notify_all();
    }
    work(workers[0], L);
    if (helpers > 0) {
      std::unique_lock<std::mutex> g(mu);
      done_cv.wait(g, [&] { return busy == 0; });
    }
  }
};
Pool& pool() {
  static Pool* p = new Pool();  // leaked: workers may be parked in it at process exit
  return *p;
}

bool run_engine(Launch& L) {
  Pool& p = pool();
  if (!p.prepare(L)) return false;
  p.run(L);
  return true;
}

#else
// ============================== OS-thread engine =================================================
struct Abort {};  // thrown out of a barrier to unwind a thread after a fault
thread_local std::mutex* t_mu = nullptr;
thread_local std::condition_variable* t_cv = nullptr;

void thread_wait(std::unique_lock<std::mutex>& g, Block& blk, Lane& me, const uint64_t* gen, uint64_t old, int kind,
                 const SiteRec& s, int* waiting) {
  me.wait_kind = kind;
  me.wait_site = s;
  me.wait_on = gen;
  (*waiting)++;
  if (++blk.blocked == blk.live) {  // nobody left to release anyone
    blk.report_deadlock();
    t_cv->notify_all();
  }
  t_cv->wait(g, [&] { return *gen != old || blk.fault; });
  me.wait_on = nullptr;
  if (blk.fault) throw Abort{};
}

bool run_engine(Launch& L) {
  Block blk;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<unsigned char> dyn(L.smem + 128);
  for (long b = 0; b < L.nblocks && !L.fault; b++) {
    blk.reset(block_index(b, L.grid), L.block);
    blk.launch = &L;
    poison(align128(dyn.data()), L.smem);
    std::vector<std::thread> ts;
    ts.reserve(blk.nthreads);
    for (int i = 0; i < blk.nthreads; i++) {
      ts.emplace_back([&, i] {
        Lane& me = blk.lanes[i];
        tl_lane = &me;
        tl_block = &blk;
        t_mu = &mu;
        t_cv = &cv;
        tl_dyn = align128(dyn.data());
        tl_threadIdx = me.tid;
        tl_blockIdx = blk.bid;
        tl_blockDim = L.block;
        tl_gridDim = L.grid;
        try {
          L.thunk(L.args);
        } catch (const Abort&) {
        }
        std::lock_guard<std::mutex> g(mu);
        if (me.wait_on == nullptr && !blk.fault) {
          blk.exit_lane(me);
          if (blk.live > 0 && blk.blocked == blk.live) blk.report_deadlock();  // the rest wait forever
        }
        cv.notify_all();
      });
    }
    for (auto& t : ts) t.join();
    if (blk.fault) L.record(blk, "");
  }
  return true;
}
#endif

}  // namespace

// ---- engine entry points used by the header ------------------------------------------------------
void syncthreads(const Site& site) {
  Lane& me = *tl_lane;
  Block& blk = *tl_block;
  SiteRec s = rec(site);
#if CUDA_EMU_FIBERS
  if (blk.fault) tl_worker->to_sched(me);
  uint64_t g = blk.gen;
  if (!blk.arrive_block(me, s)) fiber_wait(me, &blk.gen, g, 0, s);
  if (blk.fault) tl_worker->to_sched(me);
#else
  std::unique_lock<std::mutex> lk(*t_mu);
  if (blk.fault) throw Abort{};
  uint64_t g = blk.gen;
  if (blk.arrive_block(me, s))
    t_cv->notify_all();
  else
    thread_wait(lk, blk, me, &blk.gen, g, 0, s, &blk.waiting);
  if (blk.fault) {
    t_cv->notify_all();
    throw Abort{};
  }
#endif
}

const uint64_t* warp_exchange(int kind, unsigned mask, uint64_t value, const Site& site, int* lane, unsigned* part) {
  Lane& me = *tl_lane;
  Block& blk = *tl_block;
  Warp& w = blk.warps[me.warp];
  SiteRec s = rec(site);
  int parity = (int)(me.wops & 1);
  *lane = me.lane;
#if CUDA_EMU_FIBERS
  if (blk.fault) tl_worker->to_sched(me);
  uint64_t g = w.gen;
  if (!blk.arrive_warp(me, kind, mask, value, s)) fiber_wait(me, &w.gen, g, kind, s);
  if (blk.fault) tl_worker->to_sched(me);
#else
  std::unique_lock<std::mutex> lk(*t_mu);
  if (blk.fault) throw Abort{};
  uint64_t g = w.gen;
  if (blk.arrive_warp(me, kind, mask, value, s))
    t_cv->notify_all();
  else
    thread_wait(lk, blk, me, &w.gen, g, kind, s, &w.waiting);
  if (blk.fault) {
    t_cv->notify_all();
    throw Abort{};
  }
#endif
  me.wops++;
  *part = w.part[parity];
  return w.slots[parity];
}

unsigned active_mask() { return tl_block->warps[tl_lane->warp].live_mask; }

void static_smem(const void* addr, size_t bytes, const Site& site) {
  Lane& me = *tl_lane;
  Block& blk = *tl_block;
#if !CUDA_EMU_FIBERS
  std::unique_lock<std::mutex> lk(*t_mu);
#endif
  if (!blk.fault && std::find(blk.smem_seen.begin(), blk.smem_seen.end(), addr) == blk.smem_seen.end()) {
    blk.smem_seen.push_back(addr);
    blk.smem_static += bytes;
    poison((unsigned char*)const_cast<void*>(addr), bytes);  // first thread of the block to get here
    blk.check_smem(rec(site));
  }
  if (blk.fault) {
#if CUDA_EMU_FIBERS
    tl_worker->to_sched(me);  // never resumed
#else
    (void)me;
    t_cv->notify_all();
    throw Abort{};
#endif
  }
}

void kernel_fault(const char* what, const Site& site) {
  Lane& me = *tl_lane;
  Block& blk = *tl_block;
  {
#if !CUDA_EMU_FIBERS
    std::unique_lock<std::mutex> lk(*t_mu);
#endif
    if (!blk.fault)
      blk.failf("%s at %s:%u:%u (block (%u,%u,%u), thread (%u,%u,%u))", what, base(site.file_name()),
                (unsigned)site.line(), (unsigned)site.column(), blk.bid.x, blk.bid.y, blk.bid.z, me.tid.x, me.tid.y,
                me.tid.z);
  }
#if CUDA_EMU_FIBERS
  tl_worker->to_sched(me);  // never resumed
  __builtin_unreachable();
#else
  t_cv->notify_all();
  throw Abort{};
#endif
}

int smem_optin_limit() {
  static const int kb = env_int("CUDA_EMU_SMEM_OPTIN_KB", 163);
  return kb * 1024;
}

void* dyn_smem() { return tl_dyn; }
const char* fault_message() { return tl_fault; }
void set_last_error(cudaError_t e) { tl_last = e; }
cudaError_t get_last_error(bool clear) {
  cudaError_t e = tl_last;
  if (clear) tl_last = cudaSuccess;
  return e;
}
cudaError_t set_max_dyn_smem(const void* fn, int bytes) {
  std::lock_guard<std::mutex> g(g_attr_mu);
  auto known = static_sizes().find(fn);
  size_t st = known == static_sizes().end() ? 0 : known->second;
  if (bytes < 0 || (long)st + bytes > smem_optin_limit()) return cudaErrorInvalidValue;
  dyn_limits()[fn] = bytes;
  return cudaSuccess;
}

cudaError_t launch_raw(const char* name, dim3 grid, dim3 block, size_t smem, void (*thunk)(const void*),
                       const void* args, const void* fn) {
  tl_fault[0] = 0;
  long threads = (long)block.x * block.y * block.z;
  int attr = -1;
  size_t known_static = 0;
  {
    std::lock_guard<std::mutex> g(g_attr_mu);
    auto it = dyn_limits().find(fn);
    if (it != dyn_limits().end()) attr = it->second;
    auto st = static_sizes().find(fn);
    if (st != static_sizes().end()) known_static = st->second;
  }
  char why[400];
  smem_problem(why, sizeof why, known_static, smem, attr);  // static bytes as seen by earlier launches
  if (threads <= 0 || threads > 1024 || block.z > 64 || grid.x == 0 || grid.y == 0 || grid.z == 0 ||
      grid.y > 65535 || grid.z > 65535 || why[0]) {
    std::snprintf(tl_fault, sizeof tl_fault, "%s: invalid launch configuration grid (%u,%u,%u) block (%u,%u,%u)%s%s",
                  name, grid.x, grid.y, grid.z, block.x, block.y, block.z, why[0] ? ": " : "", why);
    return cudaErrorInvalidConfiguration;
  }
  std::lock_guard<std::mutex> g(g_launch_mu);
  Launch L;
  L.name = name;
  L.fn = fn;
  L.dyn_attr = attr;
  L.grid = grid;
  L.block = block;
  L.smem = smem;
  L.thunk = thunk;
  L.args = args;
  L.nblocks = (long)grid.x * grid.y * grid.z;
  if (!run_engine(L)) {
    std::snprintf(tl_fault, sizeof tl_fault, "%s: cannot map fiber stacks", name);
    return cudaErrorMemoryAllocation;
  }
  if (L.fault && L.config_fault) {
    std::snprintf(tl_fault, sizeof tl_fault, "%s: invalid launch configuration: %.1100s", name, L.msg + 2);
    return cudaErrorInvalidConfiguration;
  }
  if (L.fault) {
    std::snprintf(tl_fault, sizeof tl_fault, "%s%s", name, L.msg);
    static const bool verbose = env_int("CUDA_EMU_VERBOSE", 0) != 0;
    if (verbose) std::fprintf(stderr, "cuda_emu: %s\n", tl_fault);
    return cudaErrorLaunchFailure;
  }
  return cudaSuccess;
}
}  // namespace cuda_emu

// ---- runtime API ---------------------------------------------------------------------------------
cudaError_t cudaMalloc(void** p, size_t bytes) {
  if (!p) return cudaErrorInvalidValue;
  *p = nullptr;
  if (posix_memalign(p, 256, bytes ? bytes : 1) != 0) return cudaErrorMemoryAllocation;  // exact size: ASan sees bounds
  return cudaSuccess;
}
cudaError_t cudaFree(void* p) {
  std::free(p);
  return cudaSuccess;
}
cudaError_t cudaMallocAsync(void** p, size_t bytes, cudaStream_t) { return cudaMalloc(p, bytes); }
cudaError_t cudaFreeAsync(void* p, cudaStream_t) { return cudaFree(p); }
cudaError_t cudaMallocHost(void** p, size_t bytes) { return cudaMalloc(p, bytes); }
cudaError_t cudaFreeHost(void* p) { return cudaFree(p); }
cudaError_t cudaMemcpy(void* d, const void* s, size_t n, cudaMemcpyKind) {
  if (n && (!d || !s)) return cudaErrorInvalidValue;
  if (n) std::memmove(d, s, n);
  return cudaSuccess;
}
cudaError_t cudaMemcpyAsync(void* d, const void* s, size_t n, cudaMemcpyKind k, cudaStream_t) {
  return cudaMemcpy(d, s, n, k);
}
cudaError_t cudaMemset(void* d, int v, size_t n) {
  if (n && !d) return cudaErrorInvalidValue;
  if (n) std::memset(d, v, n);
  return cudaSuccess;
}
cudaError_t cudaMemsetAsync(void* d, int v, size_t n, cudaStream_t) { return cudaMemset(d, v, n); }
cudaError_t cudaDeviceSynchronize() { return cudaSuccess; }
cudaError_t cudaStreamCreate(cudaStream_t* s) {
  if (!s) return cudaErrorInvalidValue;
  *s = reinterpret_cast<cudaStream_t>(new char(0));
  return cudaSuccess;
}
cudaError_t cudaStreamDestroy(cudaStream_t s) {
  delete reinterpret_cast<char*>(s);
  return cudaSuccess;
}
cudaError_t cudaStreamSynchronize(cudaStream_t) { return cudaSuccess; }
cudaError_t cudaGetDeviceCount(int* n) {
  if (!n) return cudaErrorInvalidValue;
  *n = 1;
  return cudaSuccess;
}
cudaError_t cudaGetDevice(int* d) {
  if (!d) return cudaErrorInvalidValue;
  *d = 0;
  return cudaSuccess;
}
cudaError_t cudaSetDevice(int d) { return d == 0 ? cudaSuccess : cudaErrorInvalidValue; }
cudaError_t cudaGetLastError() { return cuda_emu::get_last_error(true); }
cudaError_t cudaPeekAtLastError() { return cuda_emu::get_last_error(false); }
const char* cudaGetErrorString(cudaError_t e) {
  switch (e) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInvalidConfiguration: return "invalid configuration argument";
    case cudaErrorInvalidDevicePointer: return "invalid device pointer";
    case cudaErrorInsufficientDriver: return "CUDA driver version is insufficient for CUDA runtime version";
    case cudaErrorNoDevice: return "no CUDA-capable device is detected";
    case cudaErrorLaunchFailure: return "unspecified launch failure";
  }
  return "unknown error";
}
