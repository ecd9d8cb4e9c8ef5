// RUN: tangram-opt %s -split-input-file -verify-diagnostics -tg-place-ops | FileCheck %s
// RUN: tangram-opt %s -split-input-file -verify-diagnostics -tg-place-ops=objective=throughput | FileCheck %s --check-prefix=TPUT
// RUN: tangram-opt %s -split-input-file -verify-diagnostics -tg-place-ops=objective=cost | FileCheck %s --check-prefix=COST
// RUN: tangram-opt %s -split-input-file -verify-diagnostics -tg-place-ops=avoid=gpu0:mm | FileCheck %s --check-prefix=AVOID

// An expensive link keeps a chain together: gpu0 computes twice as fast,
// but moving the input there and the result back costs more than it saves.
// CHECK-LABEL: func.func @expensive_link
// CHECK: tg.matmul {{.*}}tg.device = "cpu0"
// CHECK: tg.relu {{.*}}tg.device = "cpu0"
// CHECK: tg.matmul {{.*}}tg.device = "cpu0"
module attributes {
  tg.devices = [
    {id = "cpu0", target = "cpu", peak_gflops = {f32 = 100.0}, mem_bandwidth_gbs = 20.0, launch_us = 2.0},
    {id = "gpu0", target = "cpu", peak_gflops = {f32 = 200.0}, mem_bandwidth_gbs = 40.0, launch_us = 2.0}],
  tg.links = [{from = "cpu0", to = "gpu0", bandwidth_gbs = 0.01, latency_us = 10.0}]} {
  func.func @expensive_link(%x: tensor<256x256xf32>, %w: tensor<256x256xf32>) -> tensor<256x256xf32> {
    %0 = tg.matmul %x, %w : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
    %1 = tg.relu %0 : tensor<256x256xf32>
    %2 = tg.matmul %1, %w : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
    return %2 : tensor<256x256xf32>
  }
}

// -----

// A 1000x faster device behind a free link takes the work; an op it cannot
// take (f64: the catalog gives gpu0 no f64 rate) moves to the CPU alone.
// CHECK-LABEL: func.func @unsupported_moves
// CHECK: tg.matmul {{.*}}tg.device = "gpu0"
// CHECK: tg.cast {{.*}}tg.device = "cpu0"
// CHECK: tg.exp {{.*}}tg.device = "cpu0"
// CHECK: tg.cast {{.*}}tg.device = "cpu0"
// CHECK: tg.matmul {{.*}}tg.device = "gpu0"
module attributes {
  tg.devices = [
    {id = "cpu0", target = "cpu", peak_gflops = {f32 = 1.0, f64 = 0.5}, mem_bandwidth_gbs = 10.0, launch_us = 1.0},
    {id = "gpu0", target = "cpu", peak_gflops = {f32 = 1000.0}, mem_bandwidth_gbs = 10000.0, launch_us = 1.0}],
  tg.links = [{from = "cpu0", to = "gpu0", bandwidth_gbs = 1000000.0, latency_us = 0.0}]} {
  func.func @unsupported_moves(%x: tensor<256x256xf32>, %w: tensor<256x256xf32>) -> tensor<256x256xf32> {
    %0 = tg.matmul %x, %w : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
    %1 = tg.cast %0 {to = f64} : tensor<256x256xf32> -> tensor<256x256xf64>
    %2 = tg.exp %1 : tensor<256x256xf64>
    %3 = tg.cast %2 {to = f32} : tensor<256x256xf64> -> tensor<256x256xf32>
    %4 = tg.matmul %3, %w : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
    return %4 : tensor<256x256xf32>
  }
}

// -----

// A pin wins over the cost model.
// CHECK-LABEL: func.func @pin_wins
// CHECK: tg.matmul {{.*}}tg.device = "gpu0"
// CHECK: tg.relu {{.*}}{tg.device = "cpu0"}
// CHECK: tg.matmul {{.*}}tg.device = "gpu0"
module attributes {
  tg.devices = [
    {id = "cpu0", target = "cpu", peak_gflops = {f32 = 1.0}, mem_bandwidth_gbs = 1.0, launch_us = 1.0},
    {id = "gpu0", target = "cpu", peak_gflops = {f32 = 1000.0}, mem_bandwidth_gbs = 1000.0, launch_us = 1.0}],
  tg.links = [{from = "cpu0", to = "gpu0", bandwidth_gbs = 1000.0, latency_us = 1.0}]} {
  func.func @pin_wins(%x: tensor<256x256xf32>, %w: tensor<256x256xf32>) -> tensor<256x256xf32> {
    %0 = tg.matmul %x, %w : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
    %1 = tg.relu %0 {tg.device = "cpu0", tg.pinned} : tensor<256x256xf32>
    %2 = tg.matmul %1, %w : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
    return %2 : tensor<256x256xf32>
  }
}

// -----

// The driver's finding that an executable needs a host step on a device
// (`avoid=DEVICE:NODE`) keeps that node's ops off the device.
// CHECK-LABEL: func.func @avoided
// CHECK: tg.matmul {{.*}}tg.device = "gpu0"
// AVOID-LABEL: func.func @avoided
// AVOID: tg.matmul {{.*}}tg.device = "cpu0"
module attributes {
  tg.devices = [
    {id = "cpu0", target = "cpu", peak_gflops = {f32 = 1.0}, mem_bandwidth_gbs = 1.0, launch_us = 1.0},
    {id = "gpu0", target = "cpu", peak_gflops = {f32 = 1000.0}, mem_bandwidth_gbs = 1000.0, launch_us = 1.0}],
  tg.links = [{from = "cpu0", to = "gpu0", bandwidth_gbs = 1000.0, latency_us = 1.0}]} {
  func.func @avoided(%x: tensor<256x256xf32>, %w: tensor<256x256xf32>) -> tensor<256x256xf32> {
    %0 = tg.matmul %x, %w : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32> loc("mm")
    return %0 : tensor<256x256xf32>
  }
}

// -----

// Money: gpu0 is 4x faster but 10x dearer per hour. Latency takes gpu0;
// the cost objective takes the cheap CPU.
// CHECK-LABEL: func.func @cost_prefers_cheap
// CHECK: tg.matmul {{.*}}tg.device = "gpu0"
// COST-LABEL: func.func @cost_prefers_cheap
// COST: tg.matmul {{.*}}tg.device = "cpu0"
module attributes {
  tg.devices = [
    {id = "cpu0", target = "cpu", peak_gflops = {f32 = 100.0}, mem_bandwidth_gbs = 100.0, launch_us = 1.0, price_per_hour = 1.0},
    {id = "gpu0", target = "cpu", peak_gflops = {f32 = 400.0}, mem_bandwidth_gbs = 400.0, launch_us = 1.0, price_per_hour = 10.0}],
  tg.links = [{from = "cpu0", to = "gpu0", bandwidth_gbs = 1000.0, latency_us = 1.0}]} {
  func.func @cost_prefers_cheap(%x: tensor<512x512xf32>, %w: tensor<512x512xf32>) -> tensor<512x512xf32> {
    %0 = tg.matmul %x, %w : (tensor<512x512xf32>, tensor<512x512xf32>) -> tensor<512x512xf32>
    return %0 : tensor<512x512xf32>
  }
}

// -----

// A DAG: two independent heavy branches on two equal devices run side by
// side for latency; the join waits for both.
// CHECK-LABEL: func.func @branches_overlap
// CHECK: tg.matmul {{.*}}tg.device = "[[A:cpu[01]]]"
// CHECK-NOT: tg.device = "[[A]]"
// CHECK: tg.matmul {{.*}}tg.device = "cpu{{[01]}}"
// CHECK: tg.add
module attributes {
  tg.devices = [
    {id = "cpu0", target = "cpu", peak_gflops = {f32 = 10.0}, mem_bandwidth_gbs = 10.0, launch_us = 1.0},
    {id = "cpu1", target = "cpu", peak_gflops = {f32 = 10.0}, mem_bandwidth_gbs = 10.0, launch_us = 1.0}],
  tg.links = [{from = "cpu0", to = "cpu1", bandwidth_gbs = 1000.0, latency_us = 1.0}]} {
  func.func @branches_overlap(%x: tensor<512x512xf32>, %w: tensor<512x512xf32>, %v: tensor<512x512xf32>) -> tensor<512x512xf32> {
    %0 = tg.matmul %x, %w : (tensor<512x512xf32>, tensor<512x512xf32>) -> tensor<512x512xf32>
    %1 = tg.matmul %x, %v : (tensor<512x512xf32>, tensor<512x512xf32>) -> tensor<512x512xf32>
    %2 = tg.add %0, %1 : (tensor<512x512xf32>, tensor<512x512xf32>) -> tensor<512x512xf32>
    return %2 : tensor<512x512xf32>
  }
}

// -----

// Throughput pipelines a chain over two equal devices (each takes one
// matmul); latency gains nothing from the split and keeps one device.
// CHECK-LABEL: func.func @pipeline
// CHECK: tg.matmul {{.*}}tg.device = "cpu0"
// CHECK: tg.matmul {{.*}}tg.device = "cpu0"
// TPUT-LABEL: func.func @pipeline
// TPUT: tg.matmul {{.*}}tg.device = "[[A:cpu[01]]]"
// TPUT-NOT: tg.device = "[[A]]"
// TPUT: tg.matmul {{.*}}tg.device = "cpu{{[01]}}"
module attributes {
  tg.devices = [
    {id = "cpu0", target = "cpu", peak_gflops = {f32 = 10.0}, mem_bandwidth_gbs = 10.0, launch_us = 1.0},
    {id = "cpu1", target = "cpu", peak_gflops = {f32 = 10.0}, mem_bandwidth_gbs = 10.0, launch_us = 1.0}],
  tg.links = [{from = "cpu0", to = "cpu1", bandwidth_gbs = 1000.0, latency_us = 1.0}]} {
  func.func @pipeline(%x: tensor<512x512xf32>, %w: tensor<512x512xf32>) -> tensor<512x512xf32> {
    %0 = tg.matmul %x, %w : (tensor<512x512xf32>, tensor<512x512xf32>) -> tensor<512x512xf32>
    %1 = tg.matmul %0, %w : (tensor<512x512xf32>, tensor<512x512xf32>) -> tensor<512x512xf32>
    return %1 : tensor<512x512xf32>
  }
}

// -----

// Memory: the model's result does not fit gpu0 (1 KB), so it stays on the
// CPU although gpu0 is far faster.
// CHECK-LABEL: func.func @memory_limit
// CHECK: tg.matmul {{.*}}tg.device = "cpu0"
module attributes {
  tg.devices = [
    {id = "cpu0", target = "cpu", peak_gflops = {f32 = 1.0}, mem_bandwidth_gbs = 1.0, launch_us = 1.0},
    {id = "gpu0", target = "cpu", peak_gflops = {f32 = 1000.0}, mem_bandwidth_gbs = 1000.0, launch_us = 1.0, memory_bytes = 1000.0}],
  tg.links = [{from = "cpu0", to = "gpu0", bandwidth_gbs = 1000.0, latency_us = 1.0}]} {
  func.func @memory_limit(%x: tensor<256x256xf32>, %w: tensor<256x256xf32>) -> tensor<256x256xf32> {
    %0 = tg.matmul %x, %w : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
    return %0 : tensor<256x256xf32>
  }
}

// -----

// No cost fields: each op goes to the first device that can take it; a
// Vulkan device without Float64 cannot take the f64 op.
// CHECK-LABEL: func.func @unpriced
// CHECK: tg.relu {{.*}}tg.device = "gpu0"
// CHECK: tg.cast {{.*}}tg.device = "cpu0"
module attributes {
  tg.devices = [{id = "gpu0", target = "vulkan", features = "-Float64"},
                {id = "cpu0", target = "cpu"}]} {
  func.func @unpriced(%x: tensor<4xf32>) -> tensor<4xf64> {
    %0 = tg.relu %x : tensor<4xf32>
    %1 = tg.cast %0 {to = f64} : tensor<4xf32> -> tensor<4xf64>
    return %1 : tensor<4xf64>
  }
}

// -----

// A buffer larger than a device may bind (max_buffer_bytes: lavapipe's
// storage buffers hold 128 MiB, alexnet's first classifier weight is 151
// MB) keeps the op that reads it off that device: the matmul with the
// 64 KiB weight runs on the CPU, the relu of its 1 KiB result on gpu0.
// Priced or not.
// CHECK-LABEL: func.func @buffer_limit
// CHECK: tg.matmul {{.*}}tg.device = "cpu0"
// CHECK: tg.relu {{.*}}tg.device = "gpu0"
module attributes {
  tg.devices = [{id = "gpu0", target = "vulkan", max_buffer_bytes = 4096.0},
                {id = "cpu0", target = "cpu"}]} {
  func.func @buffer_limit(%x: tensor<1x64xf32>, %w: tensor<64x256xf32>) -> tensor<1x256xf32> {
    %0 = tg.matmul %x, %w : (tensor<1x64xf32>, tensor<64x256xf32>) -> tensor<1x256xf32>
    %1 = tg.relu %0 : tensor<1x256xf32>
    return %1 : tensor<1x256xf32>
  }
}

// -----

// CHECK-LABEL: func.func @buffer_limit_priced
// CHECK: tg.matmul {{.*}}tg.device = "cpu0"
module attributes {
  tg.devices = [
    {id = "cpu0", target = "cpu", peak_gflops = {f32 = 1.0}, mem_bandwidth_gbs = 1.0, launch_us = 1.0},
    {id = "gpu0", target = "cpu", peak_gflops = {f32 = 1000.0}, mem_bandwidth_gbs = 1000.0, launch_us = 1.0, max_buffer_bytes = 4096.0}],
  tg.links = [{from = "cpu0", to = "gpu0", bandwidth_gbs = 1000.0, latency_us = 1.0}]} {
  func.func @buffer_limit_priced(%x: tensor<1x64xf32>, %w: tensor<64x256xf32>) -> tensor<1x256xf32> {
    %0 = tg.matmul %x, %w : (tensor<1x64xf32>, tensor<64x256xf32>) -> tensor<1x256xf32>
    return %0 : tensor<1x256xf32>
  }
}

// -----

// An op no device can take is an error naming the op (and its ONNX node
// when it has one) and each device's reason.
module attributes {
  tg.devices = [{id = "gpu0", target = "vulkan"}]} {
  func.func @nowhere(%x: tensor<4xf32>) -> tensor<?x1xi64> {
    // expected-error @+1 {{'tg.nonzero' cannot run on any device of the catalog (gpu0: 'tg.nonzero' sizes its result by the data)}}
    %0 = tg.nonzero %x : tensor<4xf32> -> tensor<1x?xi64>
    %1 = tg.transpose %0 {perm = array<i64: 1, 0>} : tensor<1x?xi64> -> tensor<?x1xi64>
    return %1 : tensor<?x1xi64>
  }
}

// -----

// A pin to a device that cannot take the op is an error.
module attributes {
  tg.devices = [{id = "gpu0", target = "vulkan", features = "-Float64"},
                {id = "cpu0", target = "cpu"}]} {
  func.func @bad_pin(%x: tensor<4xf64>) -> tensor<4xf64> {
    // expected-error @+1 {{a pin puts 'tg.neg' on 'gpu0', which cannot run it: the device has no f64}}
    %0 = tg.neg %x {tg.device = "gpu0", tg.pinned} : tensor<4xf64>
    return %0 : tensor<4xf64>
  }
}
