// The native kernels' threads (native/gemm.cc's products; rows.cc and vmath.cc borrow them through
// adjointRunOnTeam): a team of helpers that wait for a job, and the spin barrier a product's
// threads meet at. Included by gemm.cc only.
#ifndef ADJOINT_NATIVE_TEAM_H
#define ADJOINT_NATIVE_TEAM_H

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>

namespace adjoint_native {

// Threads that wait for a job, started when first needed and never stopped (the process ends
// them): a product's threads meet at a barrier once per block of B, which they pack together.
class Team {
 public:
  // Starts helpers until threads − 1 wait (or the system refuses one); returns how many threads a
  // job may then use, the caller's included.
  int reserve(int threads) {
    std::lock_guard<std::mutex> lock(mutex_);
    try {
      // A new thread starts having seen the jobs so far: it waits for the next.
      while (helpers_ < threads - 1) std::thread(&Team::serve, this, helpers_ + 1, generation_.load()).detach(), helpers_++;
    } catch (const std::system_error&) {
      // The system refused another thread: fewer share the work (the same bits).
    }
    // More threads than cores (a setting above the machine's count): a spinning helper would hold
    // a core another thread needs, so they sleep at once, as the worker pool's do.
    const unsigned cores = std::thread::hardware_concurrency();
    spin_.store(cores == 0 || static_cast<unsigned>(helpers_ + 1) <= cores, std::memory_order_relaxed);
    return std::min(threads, helpers_ + 1);
  }

  // Runs job(t) for t = 0 … threads−1 (threads reserved first), t = 0 on the calling thread;
  // returns when all have.
  template <class Job>
  void run(int threads, const Job& job) {
    std::lock_guard<std::mutex> one(running_);  // one product at a time (Node's worker threads may load this too)
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = [&job](int t) { job(t); };
      active_ = threads;
      pending_.store(threads - 1, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    job(0);
    // The helpers finish about when this thread does: wait a while before sleeping (see spinFor).
    spinFor([this] { return pending_.load(std::memory_order_acquire) == 0; });
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_.load(std::memory_order_relaxed) == 0; });
  }

 private:
  // Spins until `ready()` or about SPIN_MICROSECONDS have passed. A helper that has finished a job
  // watches for the next one this long before it sleeps, as OpenMP's threads do: jobs come in
  // bursts (a layer's product, its tanh, the backward pass's products), and waking a sleeping
  // thread costs about 25 µs on an idle machine and more in a virtual machine (W1's value and
  // gradient on two threads, three products and two tanh passes, measured level with one thread
  // with every helper asleep between jobs).
  template <class Ready>
  void spinFor(const Ready& ready) const {
    if (!spin_.load(std::memory_order_relaxed)) return;
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(SPIN_MICROSECONDS);
    for (int spins = 0; !ready(); spins++) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
      if ((spins & 63) == 63 && std::chrono::steady_clock::now() > until) return;
      if ((spins & 1023) == 1023) std::this_thread::yield();  // a loaded machine's other threads get the core
    }
  }
  static constexpr int SPIN_MICROSECONDS = 200;

  void serve(int id, uint64_t seen) {
    for (bool ran = false;;) {
      // Only a helper that took part in the last job watches for the next (one left out of a
      // narrower job sleeps, rather than spin and contend for the mutex with those at work).
      if (ran) spinFor([&] { return generation_.load(std::memory_order_acquire) != seen; });
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return generation_.load(std::memory_order_relaxed) != seen; });
      seen = generation_.load(std::memory_order_relaxed);
      ran = id < active_;
      if (!ran) continue;
      std::function<void(int)> job = job_;
      lock.unlock();
      job(id);
      lock.lock();
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) done_.notify_one();
    }
  }
  std::mutex running_, mutex_;
  std::condition_variable wake_, done_;
  std::function<void(int)> job_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<bool> spin_{true};
  int active_ = 0, helpers_ = 0;
};

inline Team& team() {
  static Team* t = new Team;  // never destroyed: its detached threads wait on it until the process ends
  return *t;
}

// The threads of one product meet here: a sense-reversing spin barrier (they arrive within a block's
// work of each other, so spinning beats sleeping), yielding after a while on a loaded machine.
class Barrier {
 public:
  explicit Barrier(int threads) : threads_(threads) {}
  void wait(bool& sense) {
    if (threads_ == 1) return;
    sense = !sense;
    if (count_.fetch_add(1, std::memory_order_acq_rel) == threads_ - 1) {
      count_.store(0, std::memory_order_relaxed);
      sense_.store(sense, std::memory_order_release);
      return;
    }
    for (int spins = 0; sense_.load(std::memory_order_acquire) != sense; spins++) {
      if (spins > 4000) std::this_thread::yield();
    }
  }

 private:
  const int threads_;
  std::atomic<int> count_{0};
  std::atomic<bool> sense_{false};
};

}  // namespace adjoint_native

#endif
